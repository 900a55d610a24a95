import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jsonOf } from '../support/http.js';
import { assertSchema } from '../support/openai-schema.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ flags: { apiKeys: 'first-key, second-key', corsOrigins: 'https://chat.example.com' } });
});
afterAll(async () => {
  await stack?.close();
});

const client = (apiKey: string) => new OpenAI({ baseURL: stack.baseURL, apiKey, maxRetries: 0 });

describe('API keys', () => {
  test.each([
    ['no key', {}],
    ['a wrong bearer key', { authorization: 'Bearer nope' }],
    ['a wrong x-api-key', { 'x-api-key': 'nope' }],
    ['a key that is a prefix of a real one', { authorization: 'Bearer first' }],
  ])('%s → 401 on every /v1 route, OpenAI-shaped', async (_name, headers) => {
    for (const [method, path] of [
      ['GET', '/models'],
      ['GET', '/models/sonnet'],
      ['POST', '/chat/completions'],
    ] as const) {
      const res = await fetch(`${stack.baseURL}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        ...(method === 'POST' ? { body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) } : {}),
      });
      expect(res.status).toBe(401);
      const body = await jsonOf(res);
      assertSchema('ErrorResponse', body);
      expect(body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    }
    expect(stack.fake.messageRequests).toHaveLength(0);
  });

  test('either configured key works, as a bearer token or x-api-key', async () => {
    const a = await client('first-key').chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'one' }] });
    expect(a.choices[0]!.message.content).toBe('Echo: one');
    const res = await fetch(`${stack.baseURL}/models`, { headers: { 'x-api-key': 'second-key' } });
    expect(res.status).toBe(200);
  });

  test('/health stays open and shows no secret', async () => {
    const res = await fetch(`${stack.server.url}/health`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('first-key');
    expect(text).not.toContain('second-key');
    expect(text).not.toContain('sk-ant-fake-key-for-tests');
  });
});

describe('CORS', () => {
  test('a listed origin passes the preflight and gets the CORS headers', async () => {
    const preflight = await fetch(`${stack.baseURL}/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://chat.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://chat.example.com');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const res = await fetch(`${stack.baseURL}/models`, { headers: { origin: 'https://chat.example.com', authorization: 'Bearer first-key' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://chat.example.com');
  });

  test("the status page's data is for the page alone, even for a listed origin", async () => {
    const res = await fetch(`${stack.server.url}/bridge/api/status`, { headers: { origin: 'https://chat.example.com', authorization: 'Bearer first-key' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('another origin gets no CORS permission, and its requests are refused', async () => {
    const res = await fetch(`${stack.baseURL}/models`, { headers: { origin: 'https://evil.example.net', authorization: 'Bearer first-key' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${stack.baseURL}/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
