import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { describe, expect, test } from 'vitest';
import { toBaseURL } from '../../src/client/base-url.js';
import { EXIT, UsageError } from '../../src/client/exit-codes.js';
import { explainError } from '../../src/client/explain-error.js';
import { resolvePrompt } from '../../src/client/prompt-input.js';

describe('toBaseURL', () => {
  test.each([
    ['http://localhost:8000', 'http://localhost:8000/v1'],
    ['http://localhost:8000/', 'http://localhost:8000/v1'],
    ['http://localhost:8000/v1', 'http://localhost:8000/v1'],
    ['http://localhost:8000/v1/', 'http://localhost:8000/v1'],
    ['localhost:8000', 'http://localhost:8000/v1'],
    ['https://bridge.example/proxy', 'https://bridge.example/proxy/v1'],
  ])('%s → %s', (given, expected) => {
    expect(toBaseURL(given)).toBe(expected);
  });

  test('refuses what is not an http URL, naming the flag', () => {
    expect(() => toBaseURL('ftp://host')).toThrow(UsageError);
    expect(() => toBaseURL('http://')).toThrow(/--url/);
  });
});

describe('resolvePrompt', () => {
  const tty = { isTTY: true, isPipeOrFile: false };
  const pipe = { isTTY: false, isPipeOrFile: true };
  const idle = { isTTY: false, isPipeOrFile: false };
  const read = (text: string) => async () => text;

  test('the argument words are the prompt', async () => {
    expect(await resolvePrompt(['What', 'is', 'Python?'], tty, read('unused'))).toBe('What is Python?');
  });

  test('piped text is the prompt without an argument, and follows the argument with one', async () => {
    expect(await resolvePrompt([], pipe, read('Hello\n'))).toBe('Hello');
    expect(await resolvePrompt(['Explain'], pipe, read('x = 1\n'))).toBe('Explain\n\nx = 1');
  });

  test('a terminal without an argument means the chat; an idle stdin is not waited for', async () => {
    expect(await resolvePrompt([], tty, read('unused'))).toBeUndefined();
    const never = () => new Promise<string>(() => undefined);
    expect(await resolvePrompt(['Hi'], idle, never)).toBe('Hi');
  });
});

describe('explainError', () => {
  const context = { baseURL: 'http://localhost:8000/v1', hasApiKey: false };
  const apiError = (status: number, code: string, message: string) =>
    APIError.generate(status, { error: { message, type: 'x', code } }, undefined, new Headers());

  test('each kind of failure has its own exit code and a one-line reason', () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [new APIConnectionError({ cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }), EXIT.unreachable, /cannot reach the bridge at http:\/\/localhost:8000\/v1 \(ECONNREFUSED\)/],
      [apiError(401, 'invalid_api_key', 'no'), EXIT.auth, /requires an API key: pass --api-key or set BRIDGE_API_KEY/],
      [apiError(401, 'claude_code_not_logged_in', 'Claude Code is not logged in'), EXIT.auth, /Claude Code is not logged in.*claude login/],
      [apiError(404, 'model_not_found', 'The model\n"x" does not exist'), EXIT.refused, /^404 model_not_found: The model "x" does not exist$/],
      [apiError(503, 'upstream_overloaded', 'busy'), EXIT.failure, /^503 upstream_overloaded: .*busy/],
      [new APIError(undefined, { message: 'cut', code: 'upstream_error' }, 'cut', undefined), EXIT.failure, /broke off/],
      [new APIUserAbortError(), EXIT.interrupted, /stopped/],
      [new UsageError('no prompt'), EXIT.usage, /no prompt/],
    ];
    for (const [err, exitCode, message] of cases) {
      const explained = explainError(err, context);
      expect(explained.exitCode, explained.message).toBe(exitCode);
      expect(explained.message).toMatch(message);
      expect(explained.message).not.toContain('\n');
    }
  });

  test('a refused key is told apart from a missing one', () => {
    expect(explainError(apiError(401, 'invalid_api_key', 'no'), { ...context, hasApiKey: true }).message).toMatch(
      /refused the API key/,
    );
  });
});
