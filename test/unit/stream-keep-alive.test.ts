import { Hono } from 'hono';
import { describe, expect, test, vi } from 'vitest';
import { OutputFlow } from '../../src/core/output-flow.js';
import { RequestTrace } from '../../src/core/request-trace.js';
import type { RunEvent } from '../../src/core/types.js';
import { firstEventWithin, KEEP_ALIVE_COMMENT, relayRun } from '../../src/http/run-relay.js';
import { silentLogger } from '../../src/logger.js';

/** A run that yields `count` events (hidden thinking, or text), each after `gapMs`, then ends. */
async function* paced(count: number, gapMs: number, type: 'thinking' | 'text' = 'thinking'): AsyncGenerator<RunEvent> {
  yield { type: 'start', model: 'claude-test' };
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, gapMs));
    yield { type, text: 'token' };
  }
  yield { type: 'end', stopReason: 'end_turn', stopSequence: null, usage: { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } };
}

function relayApp(events: () => AsyncGenerator<RunEvent>, keepAliveMs: number): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const run = events();
    const trace = new RequestTrace('req_test', 'GET /', { address: undefined, userAgent: undefined }, []);
    return relayRun(
      c,
      {
        // Thinking the client did not ask for: no frame.
        push: (event) => (event.type === 'thinking' ? [] : [{ data: event.type }]),
        fail: (error) => [{ data: error.message }],
      },
      {
        trace,
        logger: silentLogger(),
        run: { first: undefined, events: run, flow: new OutputFlow() },
        lateOpening: () => [],
        keepAlive: { intervalMs: keepAliveMs, frame: KEEP_ALIVE_COMMENT } },
    );
  });
  return app;
}

describe('stream keep-alives', () => {
  test('events that give the client no frame do not hold keep-alives off', async () => {
    // Twenty events 50 ms apart: a second of silence for the client, five keep-alive intervals.
    const res = await relayApp(() => paced(20, 50), 200).request('/');
    const text = await res.text();
    expect(text.startsWith('data: "start"')).toBe(true);
    expect(text.split(': keep-alive\n\n').length - 1).toBeGreaterThanOrEqual(2);
    expect(text.endsWith('data: "end"\n\n')).toBe(true);
  });

  test('a stream that writes a frame more often than the interval gets no keep-alive', async () => {
    // On a clock of the test's own, so that a busy machine cannot make a gap look like a silence.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] });
    try {
      // Forty frames 50 ms apart: two seconds, ten keep-alive intervals, never a silence of one.
      const res = await relayApp(() => paced(40, 50, 'text'), 200).request('/');
      const text = res.text();
      await vi.advanceTimersByTimeAsync(3_000);
      const body = await text;
      expect(body.split('data: "text"').length - 1).toBe(40);
      expect(body).not.toContain('keep-alive');
    } finally {
      vi.useRealTimers();
    }
  });

  test('firstEventWithin: the first event when it comes in time, undefined when it is late, the failure when it fails', async () => {
    expect(await firstEventWithin(Promise.resolve({ done: false, value: { type: 'start', model: 'm' } }), 100)).toEqual({
      done: false,
      value: { type: 'start', model: 'm' },
    });
    expect(await firstEventWithin(new Promise(() => undefined), 10)).toBeUndefined();
    await expect(firstEventWithin(Promise.reject(new Error('refused')), 100)).rejects.toThrow('refused');
  });
});
