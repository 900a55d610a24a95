import { expect, test } from 'vitest';
import { FALLBACK_MODELS } from '../../src/core/model-names.js';
import { apiError, jsonOf } from '../support/http.js';
import { assertSchema } from '../support/openai-schema.js';
import { useStack } from '../support/stack.js';

// A bridge whose Claude Code cannot be run: it still starts, says what is
// wrong, lists the models it knows without asking, and fails requests fast.
const stack = useStack({ flags: { claudeExecutable: '/nonexistent/claude' } });

test('the model list falls back to the known aliases when Claude Code cannot be asked', async () => {
  const res = await fetch(`${stack.baseURL}/models`);
  expect(res.status).toBe(200);
  const models = await jsonOf(res);
  assertSchema('ListModelsResponse', models);
  expect(models.data.map((m: { id: string }) => m.id)).toEqual(FALLBACK_MODELS.map((m) => m.alias));
  const one = await fetch(`${stack.baseURL}/models/sonnet`);
  expect(one.status).toBe(200);
  assertSchema('Model', await jsonOf(one));
});

test('/health answers 200 and says the executable is missing, and that the model list is the fallback', async () => {
  const res = await fetch(`${stack.server.url}/health`);
  expect(res.status).toBe(200);
  const health = await jsonOf(res);
  expect(health.status).toBe('degraded');
  expect(health.claude_code).toMatchObject({ found: false, version: null });
  expect(health.claude_code.error).toContain('does not exist');
  expect(health.models.source).toBe('fallback');
});

test('a request fails at once with a 502 that says Claude Code could not be run', async () => {
  const started = Date.now();
  const err = await apiError(stack.openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] }));
  expect(err.status).toBe(502);
  expect(err.code).toBe('claude_code_failed');
  expect(err.message).toContain('/nonexistent/claude');
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(stack.fake.messageRequests).toHaveLength(0);
});
