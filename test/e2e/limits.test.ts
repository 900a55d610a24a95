import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { alive, waitForNoRuns } from '../support/processes.js';
import { jsonOf } from '../support/http.js';
import { scriptedHandler } from '../support/scripted.js';
import { useStack } from '../support/stack.js';

// A queue timeout long enough for a few cold starts on a loaded machine.
const stack = useStack({ flags: { maxConcurrent: '2', maxQueue: '2', queueTimeoutMs: '10' } });
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

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('concurrency and the queue', () => {
  test('beyond MAX_CONCURRENT requests queue in order; beyond the queue, 429 at once', async () => {
    const running = [post('SLOW 150 one two three'), post('SLOW 150 four five six')];
    await until(() => stack.server.limiter.stats().active === 2);
    const queued = [post('queued A'), post('queued B')];
    await until(() => stack.server.limiter.stats().queued === 2);
    const started = Date.now();
    const refused = await post('no room');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(refused.status).toBe(429);
    expect((await jsonOf(refused)).error.code).toBe('queue_full');
    expect(refused.headers.get('retry-after')).toBeTruthy();
    const answers = await Promise.all([...running, ...queued].map(async (p) => (await jsonOf(await p)).choices[0].message.content));
    expect(answers).toEqual(['one two three', 'four five six', 'Echo: queued A', 'Echo: queued B']);
    // Never more than two at once upstream.
    expect(stack.server.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  test('a request that waits longer than the queue timeout gets 429', async () => {
    const running = [post('SLOW 2500 a b c d e f'), post('SLOW 2500 g h i j k l')];
    await until(() => stack.server.limiter.stats().active === 2);
    const waited = await post('too late');
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
    await new Promise((r) => setTimeout(r, 200));
    expect(stack.fake.messageRequests.map((r) => JSON.stringify(r.body.messages))).not.toContain('never asked');
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
