import { describe, expect, test } from 'vitest';
import { jsonOf } from '../support/http.js';
import { inMemoryBridge, type InMemoryBridge } from '../support/in-memory-bridge.js';
import { readSse } from '../support/sse.js';
import { until } from '../support/wait.js';

// The idle and whole-request limits are the bridge's own timers: tested here
// with limits under a second, on runs that replay a recorded answer and fall
// silent where the test says. That a limit reached ends the real Claude Code
// process is end-to-end (test/e2e/timeouts.test.ts).

/** Silence that only the bridge's giving the run up ends. */
const forever = () => new Promise<void>(() => undefined);

const chat = (bridge: InMemoryBridge, stream: boolean) =>
  bridge.post('/v1/chat/completions', { model: 'haiku', stream, messages: [{ role: 'user', content: 'Hi' }] });

async function runEnded(bridge: InMemoryBridge): Promise<void> {
  // The bridge gave the run up: its signal says why, and its slot is free.
  expect(bridge.runner.runs[0]!.signal.aborted).toBe(true);
  expect(bridge.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
  // The replay ended as a stopped process would, without being let go on.
  await until(() => bridge.runner.active === 0, 'the replay ended', 5000);
}

describe('timeouts', () => {
  test('no output within the idle limit → 504 before the stream starts', async () => {
    const bridge = await inMemoryBridge({ overrides: { idleTimeoutMs: 300 } });
    bridge.runner.play({ recording: 'text', holdBeforeStart: forever() });
    const res = await chat(bridge, false);
    expect(res.status).toBe(504);
    expect((await jsonOf(res)).error).toMatchObject({ type: 'timeout_error', code: 'idle_timeout' });
    await runEnded(bridge);
  });

  test('silence mid-stream → an error frame', async () => {
    const bridge = await inMemoryBridge({ overrides: { idleTimeoutMs: 300 } });
    bridge.runner.play({ recording: 'text', silentAfterStart: forever() });
    const res = await chat(bridge, true);
    expect(res.status).toBe(200);
    const { events } = await readSse(res);
    const last = JSON.parse(events.at(-1)!.data);
    expect(last.error).toMatchObject({ type: 'timeout_error', code: 'idle_timeout' });
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    await runEnded(bridge);
  });

  test('a request over the whole-request limit ends with request_timeout', async () => {
    // The idle limit is far off: it is the whole-request limit that ends this answer.
    const bridge = await inMemoryBridge({ overrides: { idleTimeoutMs: 60_000, requestTimeoutMs: 400 } });
    bridge.runner.play({ recording: 'text', silentAfterStart: forever() });
    const res = await chat(bridge, true);
    const { events } = await readSse(res);
    const last = JSON.parse(events.at(-1)!.data);
    expect(last.error).toMatchObject({ type: 'timeout_error', code: 'request_timeout' });
    await runEnded(bridge);
  });
});
