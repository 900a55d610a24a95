import { beforeEach, describe, expect, test } from 'vitest';
import type { RunSpec } from '../../src/core/ports.js';
import { jsonOf } from '../support/http.js';
import { inMemoryBridge, type InMemoryBridge } from '../support/in-memory-bridge.js';
import { until } from '../support/wait.js';

// The concurrency limit and the queue in front of it are the bridge's own
// (src/core/limiter.ts and the pipeline around it): tested here with runs that
// replay a recorded answer and go on until the test lets them end. What a
// client's leaving does to a Claude Code process is end-to-end
// (test/e2e/limits.test.ts).

/** A promise the test settles when it chooses. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** The client's last words in a run's request. */
const promptOf = (spec: RunSpec) => JSON.stringify(spec.request.turns).match(/"(held [^"]*|queued [^"]*|too late|never asked|SLOW[^"]*)"/)?.[1];

function chat(bridge: InMemoryBridge, prompt: string, init: RequestInit = {}): Promise<Response> {
  return bridge.request('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'haiku', messages: [{ role: 'user', content: prompt }] }),
    ...init,
  });
}

describe('concurrency and the queue', () => {
  // A bridge of its own per test: a test that fails holding its runs leaves the next one alone.
  let bridge: InMemoryBridge;
  beforeEach(async () => {
    bridge = await inMemoryBridge({ flags: { maxConcurrent: '2', maxQueue: '2', queueTimeoutMs: '60' } });
  });

  test('beyond MAX_CONCURRENT requests queue and are served in order, never more than two at once; beyond the queue, 429 at once', async () => {
    // Two answers that go on until the test lets them end, one at a time.
    const gates = { 'held one': gate(), 'held two': gate() };
    let peak = 0;
    bridge.runner.play((spec) => {
      // Runs under way when this one starts, itself included.
      peak = Math.max(peak, bridge.limiter.stats().active);
      const held = gates[promptOf(spec) as keyof typeof gates];
      return { recording: 'text', ...(held ? { holdAfterStart: held.promise } : {}) };
    });
    const running = [chat(bridge, 'held one'), chat(bridge, 'held two')];
    await until(() => bridge.runner.runs.length === 2);
    // Queued one after the other, so that the order they were queued in is known.
    const queued = [chat(bridge, 'queued A')];
    await until(() => bridge.limiter.stats().queued === 1);
    queued.push(chat(bridge, 'queued B'));
    await until(() => bridge.limiter.stats().queued === 2);
    const refused = await chat(bridge, 'no room');
    expect(refused.status).toBe(429);
    // Refused for want of room, not after waiting out the queue timeout.
    expect((await jsonOf(refused)).error.code).toBe('queue_full');
    expect(refused.headers.get('retry-after')).toBeTruthy();

    // One slot frees: the request queued first takes it, and B can only follow once A is done.
    gates['held one'].open();
    expect((await jsonOf(await running[0]!)).choices[0].message.content).toBe('Hello world');
    await until(() => bridge.runner.runs.length === 4);
    const asked = bridge.runner.runs.map(promptOf);
    // The two that ran at once started together, in either order; the queued ones in the order they queued.
    expect(asked.slice(0, 2).sort()).toEqual(['held one', 'held two']);
    expect(asked.slice(2)).toEqual(['queued A', 'queued B']);
    expect(bridge.runner.runs.map(promptOf)).not.toContain('no room');
    gates['held two'].open();
    const answers = await Promise.all([running[1]!, ...queued].map(async (p) => (await jsonOf(await p)).choices[0].message.content));
    expect(answers).toEqual(['Hello world', 'Hello world', 'Hello world']);
    expect(peak).toBe(2);
    await until(() => bridge.limiter.stats().active === 0);
    expect(bridge.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
    expect(bridge.runner.active).toBe(0);
  });

  test('a client that leaves while queued gives its place up at once and never reaches Claude', async () => {
    const held = gate();
    bridge.runner.play({ recording: 'text', holdAfterStart: held.promise });
    const running = [chat(bridge, 'held 1'), chat(bridge, 'held 2')];
    await until(() => bridge.limiter.stats().active === 2);
    const leaving = new AbortController();
    const gone = chat(bridge, 'never asked', { signal: leaving.signal }).then(
      (res) => res.status,
      () => 'aborted',
    );
    await until(() => bridge.limiter.stats().queued === 1);
    leaving.abort();
    // Its place is given up while both slots are still taken, not when one frees.
    await until(() => bridge.limiter.stats().queued === 0, 'the queue timed out', 1000);
    expect(bridge.limiter.stats().active).toBe(2);
    await gone;
    held.open();
    await Promise.all(running);
    await until(() => bridge.limiter.stats().active === 0 && bridge.runner.active === 0);
    expect(bridge.runner.runs.map(promptOf)).toEqual(['held 1', 'held 2']);
  });
});

test('a request that waits longer than the queue timeout gets 429', async () => {
  const bridge = await inMemoryBridge({ flags: { maxConcurrent: '2', maxQueue: '2', queueTimeoutMs: '1' } });
  // Both slots stay taken until the waiting request has had its answer.
  const held = gate();
  bridge.runner.play({ recording: 'text', holdAfterStart: held.promise });
  const running = [chat(bridge, 'held 1'), chat(bridge, 'held 2')];
  await until(() => bridge.limiter.stats().active === 2);
  const waited = await chat(bridge, 'too late');
  held.open();
  expect(waited.status).toBe(429);
  expect((await jsonOf(waited)).error.code).toBe('queue_timeout');
  await Promise.all(running);
  expect(bridge.runner.runs.map(promptOf)).toEqual(['held 1', 'held 2']);
});
