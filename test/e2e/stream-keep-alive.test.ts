import { createParser } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lastUserText, type Reply } from '../support/fake-anthropic.js';
import { startReverseProxy, type ReverseProxy } from '../support/reverse-proxy.js';
import { useStack } from '../support/stack.js';

/**
 * Streams through a reverse proxy: a real nginx with its defaults
 * (proxy_buffering on) and the location block from docs/streaming.md where
 * nginx is installed (CI installs it), otherwise a Node proxy with the same
 * idle read timeout; the proxy's read timeout is cut to four seconds (short,
 * yet long enough for a loaded test machine to answer at all): a silent
 * thinking phase and a pause mid-answer, each longer than that timeout, and a
 * 20,000-token answer. Every silence is ended by the client having seen
 * enough keep-alives, never by a fixed wait.
 */
const PROXY_READ_TIMEOUT_MS = 4000;
const KEEP_ALIVE_MS = 1000;
/** Keep-alives the client must see before a silence ends: together longer than the proxy's timeout. */
const KEEP_ALIVES_PER_SILENCE = Math.ceil((PROXY_READ_TIMEOUT_MS * 1.5) / KEEP_ALIVE_MS);
const TOKENS = 20_000;
const PAUSE_AFTER_TOKEN = 10_000;

const stack = useStack({ overrides: { keepAliveMs: KEEP_ALIVE_MS } });
let proxy: ReverseProxy | undefined;
beforeAll(async () => {
  proxy = await startReverseProxy(stack.server.url, PROXY_READ_TIMEOUT_MS);
  console.info(`reverse-proxy tests run through ${proxy.kind}`);
});
afterAll(async () => {
  await proxy?.stop();
});

/** Something to wait for: resolves when `check` holds after a change, or fails after a bound with what was seen. */
class Watch {
  private waiters: Array<() => void> = [];
  changed(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
  async until(check: () => boolean, what: string, describe: () => string): Promise<void> {
    const deadline = Date.now() + 90_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${describe()}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 1000);
      });
    }
  }
}

function release(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

interface Api {
  path: string;
  body(prompt: string): Record<string, unknown>;
  /** The text token an event carries, if any. */
  token(event: string | undefined, data: string): string | undefined;
  keepAlive(event: string | undefined, comment: boolean): boolean;
  /** The stream's proper last event. */
  ended(event: string | undefined, data: string): boolean;
  failed(event: string | undefined, data: string): boolean;
}

const APIS: Record<string, Api> = {
  'chat completions': {
    path: '/v1/chat/completions',
    body: (prompt) => ({ model: 'sonnet', stream: true, messages: [{ role: 'user', content: prompt }] }),
    token: (_e, data) => (data === '[DONE]' ? undefined : (JSON.parse(data).choices?.[0]?.delta?.content as string | undefined)),
    keepAlive: (_e, comment) => comment,
    ended: (_e, data) => data === '[DONE]',
    failed: (_e, data) => data.startsWith('{"error"'),
  },
  responses: {
    path: '/v1/responses',
    body: (prompt) => ({ model: 'sonnet', stream: true, input: prompt }),
    token: (event, data) => (event === 'response.output_text.delta' ? (JSON.parse(data).delta as string) : undefined),
    keepAlive: (_e, comment) => comment,
    ended: (event) => event === 'response.completed',
    failed: (event) => event === 'response.failed' || event === 'error',
  },
  'anthropic messages': {
    path: '/v1/messages',
    body: (prompt) => ({ model: 'sonnet', stream: true, max_tokens: 64_000, messages: [{ role: 'user', content: prompt }] }),
    token: (event, data) => (event === 'content_block_delta' ? (JSON.parse(data).delta.text as string | undefined) : undefined),
    keepAlive: (event) => event === 'ping',
    ended: (event) => event === 'message_stop',
    failed: (event) => event === 'error',
  },
};

const tokens = Array.from({ length: TOKENS }, (_, i) => `w${i} `);

/** One API's long answer through the proxy, its silences ended by the keep-alives this client sees. */
async function throughProxy(name: string, answers: Map<string, Reply>): Promise<void> {
  const api = APIS[name]!;
  const prompt = `write a lot (${name})`;
  const thinking = release();
  const pause = release();
  // message_start, the thinking block's start: silence. Then thinking, its
  // signature and end, the text block's start, and PAUSE_AFTER_TOKEN tokens: silence again.
  answers.set(prompt, {
    blocks: [{ type: 'thinking', thinking: ['Considering.'] }, { type: 'text', text: tokens }],
    usage: { output_tokens: TOKENS },
    // Claude writes a long answer over time; a single burst of 10,000 events would only measure how fast a backlog drains.
    pace: { events: 200, ms: 10 },
    holds: [
      { afterEvents: 2, until: thinking.promise },
      { afterEvents: 6 + PAUSE_AFTER_TOKEN, until: pause.promise },
    ],
  });

  const seen = { status: 0, keepAlives: 0, tokens: [] as string[], ended: false, failed: '', events: 0 };
  const watch = new Watch();
  const parser = createParser({
    onEvent: (message) => {
      seen.events++;
      if (api.keepAlive(message.event, false)) seen.keepAlives++;
      const token = api.token(message.event, message.data);
      if (token) seen.tokens.push(token);
      if (api.ended(message.event, message.data)) seen.ended = true;
      if (api.failed(message.event, message.data)) seen.failed = message.data;
      watch.changed();
    },
    onComment: () => {
      if (api.keepAlive(undefined, true)) seen.keepAlives++;
      watch.changed();
    },
  });
  const reading = (async () => {
    const res = await fetch(`${proxy!.url}${api.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'unused' },
      body: JSON.stringify(api.body(prompt)),
    });
    seen.status = res.status;
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    watch.changed();
  })();
  const state = () => `${name}: ${JSON.stringify({ ...seen, tokens: seen.tokens.length })}`;

  // The silent thinking phase: the stream has started and keep-alives get through the proxy.
  await watch.until(() => seen.keepAlives >= KEEP_ALIVES_PER_SILENCE, `${name}: keep-alives during the thinking phase`, state);
  expect(seen.status, name).toBe(200);
  expect(seen.tokens, name).toHaveLength(0);
  thinking.resolve();

  // Half the answer reaches the client while Claude is still pausing: nothing is held back by the proxy.
  await watch.until(() => seen.tokens.length >= PAUSE_AFTER_TOKEN, `${name}: the first ${PAUSE_AFTER_TOKEN} tokens before the pause ends`, state);
  expect(seen.tokens, name).toHaveLength(PAUSE_AFTER_TOKEN);
  const keepAlivesBeforePause = seen.keepAlives;
  await watch.until(() => seen.keepAlives >= keepAlivesBeforePause + KEEP_ALIVES_PER_SILENCE, `${name}: keep-alives during the pause`, state);
  expect(seen.tokens, name).toHaveLength(PAUSE_AFTER_TOKEN);
  pause.resolve();

  await reading;
  expect(seen.failed, name).toBe('');
  expect(seen.ended, name).toBe(true);
  expect(seen.tokens.join(''), name).toBe(tokens.join(''));
}

describe('streams through a reverse proxy (nginx: default buffering) with a short read timeout', () => {
  // The three APIs side by side, each answer told apart by its prompt: the
  // silences are most of this test's time, and nothing in them depends on the
  // other streams (each has its own connection through the proxy).
  test('chat completions, responses and anthropic messages each survive silences longer than the timeout, and tokens arrive as they come', async () => {
    const answers = new Map<string, Reply>();
    stack.fake.setHandler((request) => answers.get(lastUserText(request.body)) ?? { status: 500, body: { error: 'no answer scripted' } });
    await Promise.all(Object.keys(APIS).map((name) => throughProxy(name, answers)));
  }, 240_000);
});

describe('a stream slow to start', () => {
  test.each(Object.keys(APIS))('%s: starts after one keep-alive interval, and a failure after that is an error in the stream', async (name) => {
    const api = APIS[name]!;
    const held = release();
    // Claude Code gets message_start, then silence, then the connection breaks.
    stack.fake.reply({ blocks: [{ type: 'text', text: ['never'] }], holds: [{ afterEvents: 1, until: held.promise }], cutAfterEvents: 1 });
    const seen = { status: 0, keepAlives: 0, tokens: [] as string[], failed: '', ended: false };
    const watch = new Watch();
    const parser = createParser({
      onEvent: (message) => {
        if (api.keepAlive(message.event, false)) seen.keepAlives++;
        if (api.failed(message.event, message.data)) seen.failed = message.data;
        if (api.ended(message.event, message.data)) seen.ended = true;
        watch.changed();
      },
      onComment: () => {
        if (api.keepAlive(undefined, true)) seen.keepAlives++;
        watch.changed();
      },
    });
    const reading = (async () => {
      const res = await fetch(`${stack.server.url}${api.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(api.body('write a lot')),
      });
      seen.status = res.status;
      watch.changed();
      const decoder = new TextDecoder();
      for await (const chunk of res.body!) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
      watch.changed();
    })();
    await watch.until(() => seen.keepAlives >= 2, 'keep-alives before the first token', () => JSON.stringify(seen));
    expect(seen.status).toBe(200);
    held.resolve();
    await reading;
    expect(seen.ended).toBe(false);
    expect(seen.failed).toMatch(/Claude|connection|broke off/);
  });
});
