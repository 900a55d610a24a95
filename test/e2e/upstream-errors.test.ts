import { describe, expect, test } from 'vitest';
import type { ErrorReply } from '../support/fake-anthropic.js';
import { apiError, jsonOf } from '../support/http.js';
import { assertSchema } from '../support/openai-schema.js';
import { postSse } from '../support/sse.js';
import { useStack } from '../support/stack.js';

const stack = useStack();

const ask = () => stack.openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] });
const upstream = (status: number, type: string, message: string, headers?: Record<string, string>): ErrorReply => ({
  status,
  body: { type: 'error', error: { type, message } },
  ...(headers ? { headers } : {}),
});

describe('upstream failures become HTTP errors, never assistant text', () => {
  test('400 (a billing message) → 400 with the upstream message', async () => {
    stack.fake.reply(upstream(400, 'invalid_request_error', 'Your credit balance is too low to access the Anthropic API.'));
    const err = await apiError(ask());
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/credit balance is too low/i);
    expect(err.message).not.toMatch(/API Error/);
    assertSchema('ErrorResponse', { error: err.error });
  });

  test('401 → 401 within seconds, saying which credential was refused and what to do', async () => {
    stack.fake.reply(upstream(401, 'authentication_error', 'invalid x-api-key'));
    const started = Date.now();
    const err = await apiError(ask());
    const elapsed = Date.now() - started;
    expect(err.status).toBe(401);
    expect(err.code).toBe('claude_code_not_logged_in');
    // This stack's Claude Code logs in with an API key.
    expect(err.message).toMatch(/Claude's API refused the API key in ANTHROPIC_API_KEY\..*claude login.*\(Claude's API said: .+\)$/);
    // Claude Code alone would retry for minutes; the bridge reports the first refusal.
    expect(stack.fake.messageRequests).toHaveLength(1);
    expect(elapsed).toBeLessThan(30_000);
    const health = await jsonOf(await fetch(`${stack.server.url}/health`));
    expect(health.login.status).toBe('failed');
  });

  test('403 → 403', async () => {
    stack.fake.reply(upstream(403, 'permission_error', 'Your organization does not allow this.'));
    const err = await apiError(ask());
    expect(err.status).toBe(403);
    expect(err.message).toContain('does not allow this');
  });

  test('429 → 429 with Retry-After', async () => {
    stack.fake.reply(upstream(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit', { 'retry-after': '7' }));
    const res = await fetch(`${stack.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(7);
    const body = await jsonOf(res);
    assertSchema('ErrorResponse', body);
    expect(body.error.code).toBe('rate_limit_exceeded');
  });

  test('529 overloaded → 503', async () => {
    stack.fake.reply(upstream(529, 'overloaded_error', 'Overloaded'));
    const err = await apiError(ask());
    expect(err.status).toBe(503);
  });

  test('500 → 502', async () => {
    stack.fake.reply(upstream(500, 'api_error', 'Internal server error'));
    const err = await apiError(ask());
    expect(err.status).toBe(502);
  });

  test('a stream cut before any output → 502 as a plain HTTP error', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['never', ' sent'] }], cutAfterEvents: 1 });
    const err = await apiError(ask());
    expect(err.status).toBe(502);
  });

  test('a stream cut mid-answer ends the SSE stream with one error frame and no [DONE]', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['Hello', ' there', ' friend'] }], cutAfterEvents: 4, delayMs: 300 });
    const raw = await postSse(`${stack.baseURL}/chat/completions`, { model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(raw.status).toBe(200);
    const last = JSON.parse(raw.events.at(-1)!.data);
    assertSchema('ErrorResponse', last);
    expect(last.error.type).toBe('upstream_error');
    expect(raw.events.some((e) => e.data === '[DONE]')).toBe(false);
    expect(raw.events.filter((e) => e.data.includes('"error"'))).toHaveLength(1);
    const content = raw.events.slice(0, -1).map((e) => JSON.parse(e.data).choices[0]?.delta.content ?? '').join('');
    expect(content).toBe('Hello there');
  });

  test('the openai client raises the error frame', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['Hello', ' there'] }], cutAfterEvents: 4, delayMs: 300 });
    const stream = await stack.openai.chat.completions.create({ model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const consume = async () => {
      for await (const _ of stream) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow(/Claude/);
  });
});
