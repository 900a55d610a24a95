import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { apiError, jsonOf } from '../support/http.js';
import { inMemoryBridge, officialClients, type InMemoryBridge } from '../support/in-memory-bridge.js';
import { assertSchema } from '../support/openai-schema.js';

let bridge: InMemoryBridge;
// With details on (as with the session log), the status page keeps requests and answers to show.
beforeAll(async () => {
  bridge = await inMemoryBridge({ flags: { apiKeys: 'first-key, second-key', corsOrigins: 'https://chat.example.com' }, sessionLog: true });
});
beforeEach(() => bridge.runner.reset());

/** The official client, its requests going to the in-memory app. */
const client = (apiKey: string) => officialClients(bridge, apiKey).openai;

describe('API keys', () => {
  test.each([
    ['no key', {}],
    ['a wrong bearer key', { authorization: 'Bearer nope' }],
    ['a wrong x-api-key', { 'x-api-key': 'nope' }],
    ['a key that is a prefix of a real one', { authorization: 'Bearer first' }],
  ])('%s → 401 on every /v1 route and /metrics, in its API\'s shape', async (_name, headers) => {
    for (const [method, path] of [
      ['GET', '/v1/models'],
      ['GET', '/v1/models/sonnet'],
      ['POST', '/v1/chat/completions'],
      ['POST', '/v1/responses'],
      ['GET', '/v1/responses/resp_x'],
      ['DELETE', '/v1/responses/resp_x'],
      ['POST', '/v1/messages'],
      ['POST', '/v1/messages/count_tokens'],
      ['GET', '/metrics'],
    ] as const) {
      const res = await bridge.request(path, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        ...(method === 'POST' ? { body: JSON.stringify({ model: 'haiku', max_tokens: 10, input: 'hi', messages: [{ role: 'user', content: 'hi' }] }) } : {}),
      });
      expect(res.status, path).toBe(401);
      const body = await jsonOf(res);
      if (path.startsWith('/v1/messages')) {
        expect(body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      } else {
        assertSchema('ErrorResponse', body);
        expect(body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
      }
    }
    expect(bridge.runner.runs).toHaveLength(0);
  });

  test('either configured key works, as a bearer token or x-api-key', async () => {
    const a = await client('first-key').chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'one' }] });
    expect(a.choices[0]!.message.content).toBe('Hello world');
    const res = await bridge.request(`/v1/models`, { headers: { 'x-api-key': 'second-key' } });
    expect(res.status).toBe(200);
  });

  test('/health stays open and shows no secret', async () => {
    const res = await bridge.request(`/health`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('first-key');
    expect(text).not.toContain('second-key');
    expect(text).not.toContain('sk-ant-in-memory');
  });
});

describe('CORS', () => {
  test('a listed origin passes the preflight and gets the CORS headers', async () => {
    const preflight = await bridge.request(`/v1/chat/completions`, {
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
    const res = await bridge.request(`/v1/models`, { headers: { origin: 'https://chat.example.com', authorization: 'Bearer first-key' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://chat.example.com');
  });

  test("the status page's data is for the page alone, even for a listed origin", async () => {
    const res = await bridge.request(`/bridge/api/status`, { headers: { origin: 'https://chat.example.com', authorization: 'Bearer first-key' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('another origin gets no CORS permission, and its requests are refused', async () => {
    const res = await bridge.request(`/v1/models`, { headers: { origin: 'https://evil.example.net', authorization: 'Bearer first-key' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await bridge.request(`/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('with several keys, what one key stored is not another key\'s', () => {
  test("stored responses: another key can neither fetch, continue nor delete them", async () => {
    const first = client('first-key');
    const second = client('second-key');
    const stored = await first.responses.create({ model: 'haiku', input: 'remember this' });
    expect(stored.output_text).toBe('Hello world');

    const fetched = await apiError(second.responses.retrieve(stored.id));
    expect(fetched).toMatchObject({ status: 404, code: 'response_not_found' });
    const continued = await apiError(second.responses.create({ model: 'haiku', previous_response_id: stored.id, input: 'what did I say?' }));
    expect(continued).toMatchObject({ status: 400, code: 'previous_response_not_found' });
    const deleted = await apiError(second.responses.delete(stored.id));
    expect(deleted).toMatchObject({ status: 404, code: 'response_not_found' });

    // The key that stored it still has it all.
    expect((await first.responses.retrieve(stored.id)).id).toBe(stored.id);
    const next = await first.responses.create({ model: 'haiku', previous_response_id: stored.id, input: 'and now?' });
    expect(next.output_text).toBe('Hello world');
    // The continued request carried the stored conversation.
    expect(bridge.runner.runs.at(-1)!.request.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    await first.responses.delete(stored.id);
    expect((await apiError(first.responses.retrieve(stored.id))).status).toBe(404);
  });

  test("request details on the status page: another key sees the figures, not the request and answer", async () => {
    await client('first-key').chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'private words' }] });
    const rowsFor = async (key: string) =>
      (await jsonOf(await bridge.request(`/bridge/api/requests`, { headers: { authorization: `Bearer ${key}` } }))).requests as Array<{
        id: string;
        hasDetails: boolean;
        madeWithAnotherKey: boolean;
      }>;
    const mine = (await rowsFor('first-key'))[0]!;
    expect(mine).toMatchObject({ hasDetails: true, madeWithAnotherKey: false });
    const theirs = (await rowsFor('second-key')).find((row) => row.id === mine.id)!;
    expect(theirs).toMatchObject({ hasDetails: false, madeWithAnotherKey: true });

    const detail = (key: string) => bridge.request(`/bridge/api/requests/${mine.id}`, { headers: { authorization: `Bearer ${key}` } });
    const refused = await detail('second-key');
    expect(refused.status).toBe(404);
    expect(await refused.text()).not.toContain('private words');
    const shown = await detail('first-key');
    expect(shown.status).toBe(200);
    expect(JSON.stringify(await shown.json())).toContain('private words');
  });
});
