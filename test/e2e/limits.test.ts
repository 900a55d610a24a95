import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { alive, waitForNoRuns } from '../support/processes.js';
import { jsonOf } from '../support/http.js';
import { lastUserText } from '../support/fake-anthropic.js';
import { scriptedHandler } from '../support/scripted.js';
import { useStack } from '../support/stack.js';

// A queue timeout long enough for a few cold starts on a heavily loaded machine (a queued request waits
// for the one before it to start Claude Code and answer).
const QUEUE_TIMEOUT_S = 20;
const stack = useStack({ flags: { maxConcurrent: '2', maxQueue: '2', queueTimeoutMs: String(QUEUE_TIMEOUT_S) } });
beforeAll(async () => {
  await stack.server.catalog.list();
});
beforeEach(async () => {
  stack.fake.setHandler(scriptedHandler);
  await waitForNoRuns(stack.server.registry);
});

const runPids = () => stack.server.registry.list().filter((e) => e.role === 'run').map((e) => e.pid);

const url = () => `${stack.baseURL}/chat/completions`;
const body = (prompt: string, stream = false) => JSON.stringify({ model: 'haiku', stream, messages: [{ role: 'user', content: prompt }] });
const post = (prompt: string, init: RequestInit = {}) =>
  fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(prompt), ...init });

/** A promise the test settles when it chooses. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

// Deadlines only bound a failure: a loaded machine may take seconds per Claude Code start.
async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('concurrency and the queue', () => {
  test('beyond MAX_CONCURRENT requests queue and are served in order, never more than two at once; beyond the queue, 429 at once', { timeout: 180_000 }, async () => {
    // Two answers that go on until the test lets them end, one at a time.
    const gates = [gate(), gate()];
    let inFlight = 0;
    let peak = 0;
    stack.fake.setHandler((request) => {
      // Answers under way upstream: asked for and not yet sent completely.
      inFlight = stack.fake.messageRequests.length - stack.fake.finishedMessages.length;
      peak = Math.max(peak, inFlight);
      const text = lastUserText(request.body);
      const held = text === 'held one' ? gates[0]! : text === 'held two' ? gates[1]! : undefined;
      if (!held) return scriptedHandler(request);
      return { blocks: [{ type: 'text', text: ['first part', ', second part'] }], holds: [{ afterEvents: 3, until: held.promise }] };
    });
    const running = [post('held one'), post('held two')];
    await until(() => stack.fake.messageRequests.length === 2);
    // Queued one after the other, so that the order they were queued in is known.
    const queued = [post('queued A')];
    await until(() => stack.server.limiter.stats().queued === 1);
    queued.push(post('queued B'));
    await until(() => stack.server.limiter.stats().queued === 2);
    const refused = await post('no room');
    expect(refused.status).toBe(429);
    // Refused for want of room, not after waiting out the queue timeout.
    expect((await jsonOf(refused)).error.code).toBe('queue_full');
    expect(refused.headers.get('retry-after')).toBeTruthy();

    // One slot frees: the request queued first takes it, and B can only follow once A is done.
    gates[0]!.open();
    expect((await jsonOf(await running[0]!)).choices[0].message.content).toBe('first part, second part');
    // Two cold starts, one after the other: give a loaded machine time.
    await until(() => stack.fake.messageRequests.length === 4, 60_000);
    const asked = stack.fake.messageRequests.map((r) => lastUserText(r.body));
    // The two that ran at once started together, in either order; the queued ones in the order they queued.
    expect(asked.slice(0, 2).sort()).toEqual(['held one', 'held two']);
    expect(asked.slice(2)).toEqual(['queued A', 'queued B']);
    gates[1]!.open();
    const answers = await Promise.all([running[1]!, ...queued].map(async (p) => (await jsonOf(await p)).choices[0].message.content));
    expect(answers).toEqual(['first part, second part', 'Echo: queued A', 'Echo: queued B']);
    expect(peak).toBe(2);
    await until(() => stack.server.limiter.stats().active === 0);
    expect(stack.server.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  test('a request that waits longer than the queue timeout gets 429', { timeout: 120_000 }, async () => {
    // Both slots stay taken until the waiting request has had its answer.
    const held = gate();
    stack.fake.setHandler((request) =>
      lastUserText(request.body).startsWith('held')
        ? { blocks: [{ type: 'text', text: ['a', ' b'] }], holds: [{ afterEvents: 3, until: held.promise }] }
        : scriptedHandler(request),
    );
    const running = [post('held 1'), post('held 2')];
    await until(() => stack.server.limiter.stats().active === 2);
    const waited = await post('too late');
    held.open();
    expect(waited.status).toBe(429);
    expect((await jsonOf(waited)).error.code).toBe('queue_timeout');
    await Promise.all(running);
  });

  test('a client that leaves while queued gives its place up at once and never reaches Claude', async () => {
    const running = [post('SLOW 300 a b c'), post('SLOW 300 d e f')];
    await until(() => stack.server.limiter.stats().active === 2);
    const leaving = new AbortController();
    const gone = post('never asked', { signal: leaving.signal }).catch(() => 'aborted');
    await until(() => stack.server.limiter.stats().queued === 1);
    leaving.abort();
    await until(() => stack.server.limiter.stats().queued === 0, 1000);
    expect(await gone).toBe('aborted');
    await Promise.all(running);
    // Had the request that left kept its place, it would take a slot the moment one freed, so the
    // slots would not all be free until it had asked Claude too.
    await until(() => stack.server.limiter.stats().active === 0 && runPids().length === 0);
    expect(stack.fake.messageRequests.some((r) => JSON.stringify(r.body.messages).includes('never asked'))).toBe(false);
    expect(stack.fake.messageRequests).toHaveLength(2);
  });
});

describe('cancellation', () => {
  test('a client that disconnects mid-stream ends its Claude Code process within seconds', async () => {
    const leaving = new AbortController();
    const res = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body('SLOW 500 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10', true),
      signal: leaving.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    const pids = runPids();
    expect(pids).toHaveLength(1);
    leaving.abort();
    const started = Date.now();
    await until(() => !alive(pids[0]!), 3000);
    expect(Date.now() - started).toBeLessThan(3000);
    await until(() => stack.server.limiter.stats().active === 0, 2000);
    // The answer was not read to its end upstream either.
    expect(stack.fake.finishedMessages).toEqual([]);
  });

  test('a non-streaming client that leaves ends its run too', async () => {
    const leaving = new AbortController();
    const pending = post('SLOW 500 a b c d e f g h', { signal: leaving.signal }).catch(() => 'aborted');
    await until(() => runPids().length > 0 && stack.fake.messageRequests.length > 0);
    const pids = runPids();
    leaving.abort();
    expect(await pending).toBe('aborted');
    await until(() => !alive(pids[0]!), 3000);
    await until(() => stack.server.limiter.stats().active === 0, 2000);
  });
});

test('concurrent requests each get exactly their own answer', async () => {
  // Two run at once and two wait: all four are answered, each with its own prompt.
  const prompts = Array.from({ length: 4 }, (_, i) => `prompt number ${i} ${'x'.repeat(i)}`);
  const answers = await Promise.all(
    prompts.map(async (p, i) => {
      if (i % 2 === 0) return (await jsonOf(await post(p))).choices[0].message.content;
      const stream = await stack.openai.chat.completions.create({ model: 'haiku', stream: true, messages: [{ role: 'user', content: p }] });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    }),
  );
  expect(answers).toEqual(prompts.map((p) => `Echo: ${p}`));
});
