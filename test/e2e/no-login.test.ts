import { expect, test } from 'vitest';
import { apiError, jsonOf } from '../support/http.js';
import { useStack } from '../support/stack.js';

// A machine where Claude Code was never logged in: no API key, no OAuth
// token, an empty config folder.
const stack = useStack({ env: { ANTHROPIC_API_KEY: '' } });

test('no login at all → 401 within seconds, telling how to log in; Claude is never called', async () => {
  const health = await jsonOf(await fetch(`${stack.server.url}/health`));
  expect(health.login.status).toBe('missing');
  const started = Date.now();
  const err = await apiError(stack.openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] }));
  const elapsed = Date.now() - started;
  expect(err.status).toBe(401);
  expect(err.code).toBe('claude_code_not_logged_in');
  expect(err.message).toContain('claude login');
  expect(err.message).toContain('CLAUDE_CODE_OAUTH_TOKEN');
  expect(elapsed).toBeLessThan(30_000);
  expect(stack.fake.messageRequests).toHaveLength(0);
});
