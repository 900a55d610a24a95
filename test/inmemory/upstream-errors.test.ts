import { describe, expect, test } from 'vitest';
import { apiError, jsonOf } from '../support/http.js';
import { useInMemoryBridge } from '../support/in-memory-bridge.js';
import { assertSchema } from '../support/openai-schema.js';
import { readSse } from '../support/sse.js';

// Upstream failures as the real Claude Code reported them (recorded against
// the fake Anthropic API: scripts/record-sdk-sequences.ts), replayed through
// the bridge's pipeline and Chat Completions route: each becomes its HTTP
// error, never assistant text. What only the real Claude Code shows (a 401
// ending its retries at once, a cut stream through a live process) stays
// end-to-end (test/e2e/upstream-errors.test.ts).
const { bridge, openai } = useInMemoryBridge();

const ask = () => openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] });

describe('upstream failures become HTTP errors, never assistant text', () => {
  test('400 (a billing message) → 400 with the upstream message', async () => {
    bridge.runner.play({ recording: 'upstream-400-billing' });
    const err = await apiError(ask());
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/credit balance is too low/i);
    expect(err.message).not.toMatch(/API Error/);
    assertSchema('ErrorResponse', { error: err.error });
  });

  test('403 → 403 with the upstream message', async () => {
    bridge.runner.play({ recording: 'upstream-403' });
    const err = await apiError(ask());
    expect(err.status).toBe(403);
    expect(err.message).toContain('does not allow this');
    assertSchema('ErrorResponse', { error: err.error });
  });

  test('429 → 429 with Retry-After', async () => {
    // Claude Code was told to wait 7 s (retry-after: 7) and reported it would.
    bridge.runner.play({ recording: 'upstream-429' });
    const res = await bridge.post('/v1/chat/completions', { model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(7);
    const body = await jsonOf(res);
    assertSchema('ErrorResponse', body);
    expect(body.error.code).toBe('rate_limit_exceeded');
  });

  test('529 overloaded → 503', async () => {
    bridge.runner.play({ recording: 'upstream-529' });
    expect((await apiError(ask())).status).toBe(503);
  });

  test('500 → 502', async () => {
    bridge.runner.play({ recording: 'upstream-500' });
    const err = await apiError(ask());
    expect(err.status).toBe(502);
    assertSchema('ErrorResponse', { error: err.error });
  });

  test('a stream cut before any output → 502 as a plain HTTP error', async () => {
    bridge.runner.play({ recording: 'cut-before-output' });
    const err = await apiError(ask());
    expect(err.status).toBe(502);
  });

  test('a stream cut mid-answer ends the SSE stream with one error frame and no [DONE]', async () => {
    bridge.runner.play({ recording: 'cut-mid-answer' });
    const res = await bridge.post('/v1/chat/completions', { model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
    const { events } = await readSse(res);
    const last = JSON.parse(events.at(-1)!.data);
    assertSchema('ErrorResponse', last);
    expect(last.error.type).toBe('upstream_error');
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    expect(events.filter((e) => e.data.includes('"error"'))).toHaveLength(1);
    const content = events
      .slice(0, -1)
      .map((e) => JSON.parse(e.data).choices[0]?.delta.content ?? '')
      .join('');
    expect(content).toBe('Hello there');
  });

  test('the openai client raises the error frame', async () => {
    bridge.runner.play({ recording: 'cut-mid-answer' });
    const stream = await openai.chat.completions.create({ model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const consume = async () => {
      for await (const _ of stream) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow(/Claude/);
  });

  test('every slot is given back after each failure', () => {
    expect(bridge.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
    expect(bridge.runner.active).toBe(0);
  });
});
