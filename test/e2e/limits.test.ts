import { beforeEach, describe, expect, test } from 'vitest';
import { alive, waitForNoRuns } from '../support/processes.js';
import { scriptedHandler } from '../support/scripted.js';
import { useStack } from '../support/stack.js';
import { until } from '../support/wait.js';

// What a client's leaving does to its Claude Code process. The queue and the concurrency limit are the
// bridge's own code, tested in memory (test/inmemory/limits.test.ts); that each of several concurrent
// answers is its own, through Claude Code, is the load test's (test/e2e/load.test.ts).
const stack = useStack({ flags: { maxConcurrent: '2', maxQueue: '2' } });
beforeEach(async () => {
  stack.fake.setHandler(scriptedHandler);
  await waitForNoRuns(stack.server.registry);
});

const runPids = () => stack.server.registry.list().filter((e) => e.role === 'run').map((e) => e.pid);

const url = () => `${stack.baseURL}/chat/completions`;
const body = (prompt: string, stream = false) => JSON.stringify({ model: 'haiku', stream, messages: [{ role: 'user', content: prompt }] });
const post = (prompt: string, init: RequestInit = {}) =>
  fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(prompt), ...init });

// Deadlines only bound a failure: a loaded machine may take seconds per Claude Code start.

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
    await until(() => !alive(pids[0]!), 'its Claude Code process ended', 3000);
    expect(Date.now() - started).toBeLessThan(3000);
    await until(() => stack.server.limiter.stats().active === 0, 'its slot given back', 2000);
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
    await until(() => !alive(pids[0]!), 'its Claude Code process ended', 3000);
    await until(() => stack.server.limiter.stats().active === 0, 'its slot given back', 2000);
  });
});
