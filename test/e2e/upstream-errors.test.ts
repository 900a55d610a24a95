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

// Each upstream failure's mapping (400, 403, 429, 529, 500, a stream cut before or after the first words,
// the openai client raising the error frame) replays what Claude Code reported for it, in memory
// (test/inmemory/upstream-errors.test.ts). Here, what needs the real Claude Code: a 401 that it would
// retry for minutes, and an answer cut while a live process streams it.
describe('upstream failures become HTTP errors, never assistant text', () => {
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
});
