import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { inMemoryBridge, type InMemoryBridge } from '../support/in-memory-bridge.js';
import { jsonOf } from '../support/http.js';
import { assertSchema } from '../support/openai-schema.js';

// What HTTP itself gets wrong (method, media type, size, route, nesting)
// is refused in the shape of the API the client speaks, before any run.
let bridge: InMemoryBridge;
beforeAll(async () => {
  bridge = await inMemoryBridge({ flags: { maxBodyBytes: '1048576' } });
});
beforeEach(() => bridge.runner.reset());

/** Every route, the methods it answers, and whose error shape it speaks. */
const ROUTES: Array<{ path: string; methods: string[]; api: 'openai' | 'anthropic' }> = [
  { path: '/health', methods: ['GET'], api: 'openai' },
  { path: '/metrics', methods: ['GET'], api: 'openai' },
  { path: '/v1/models', methods: ['GET'], api: 'openai' },
  { path: '/v1/models/sonnet', methods: ['GET'], api: 'openai' },
  { path: '/v1/models/anthropic/claude-sonnet-4.5', methods: ['GET'], api: 'openai' },
  { path: '/v1/chat/completions', methods: ['POST'], api: 'openai' },
  { path: '/v1/messages', methods: ['POST'], api: 'anthropic' },
  { path: '/v1/messages/count_tokens', methods: ['POST'], api: 'anthropic' },
  { path: '/v1/responses', methods: ['POST'], api: 'openai' },
  { path: '/v1/responses/resp_x', methods: ['GET', 'DELETE'], api: 'openai' },
];
const POST_ROUTES = ROUTES.filter((r) => r.methods.includes('POST')).map((r) => r.path);

function expectErrorShape(api: 'openai' | 'anthropic', body: unknown, type: string, code?: string): void {
  if (api === 'anthropic') {
    expect(body).toMatchObject({ type: 'error', error: { type } });
  } else {
    assertSchema('ErrorResponse', body);
    expect((body as { error: unknown }).error).toMatchObject({ type, ...(code ? { code } : {}) });
  }
}

describe('405: a method a route does not answer', () => {
  const cases = ROUTES.flatMap((route) =>
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !route.methods.includes(m)).map((method) => [method, route] as const),
  );
  test.each(cases)('%s %s → 405 with Allow, in its API\'s shape', async (method, route) => {
    const res = await bridge.request(route.path, { method, headers: { 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body: '{}' }) });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(route.methods.join(', '));
    expectErrorShape(route.api, await jsonOf(res), 'invalid_request_error', 'method_not_allowed');
    expect(bridge.runner.runs).toHaveLength(0);
  });
});

describe('415: POST bodies must say they are JSON', () => {
  const types: Array<[string, Record<string, string>]> = [
    ['no Content-Type', {}],
    ['text/plain', { 'content-type': 'text/plain;charset=UTF-8' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
  ];
  const cases = POST_ROUTES.flatMap((path) => types.map(([name, headers]) => [path, name, headers] as const));
  test.each(cases)('POST %s with %s → 415 before anything runs', async (path, _name, headers) => {
    // A byte body, so that no content type is added on the way.
    const body = new TextEncoder().encode(JSON.stringify({ model: 'haiku', max_tokens: 10, input: 'hi', messages: [{ role: 'user', content: 'hi' }] }));
    const res = await bridge.request(path, { method: 'POST', headers, body });
    expect(res.status).toBe(415);
    const text = await res.text();
    expect(text).toContain('application/json');
    expectErrorShape(path.startsWith('/v1/messages') ? 'anthropic' : 'openai', JSON.parse(text), 'invalid_request_error', 'unsupported_media_type');
    expect(bridge.runner.runs).toHaveLength(0);
  });

  test('a JSON media type with a suffix or parameters is JSON', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/vnd.api+json', 'APPLICATION/JSON']) {
      const res = await bridge.request('/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify({ model: 'haiku', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status, type).toBe(200);
    }
  });
});

describe('413: bodies over --max-body-bytes', () => {
  test.each(POST_ROUTES)('POST %s announcing more than the limit → 413 before the body is read', async (path) => {
    // The announced length is all there is: a server that read on would wait for the rest.
    const res = await bridge.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(64 * 1024 * 1024) },
      body: new TextEncoder().encode('{"messages": ['),
    });
    expect(res.status).toBe(413);
    // Anthropic's API has an error type of its own for this.
    if (path.startsWith('/v1/messages')) expectErrorShape('anthropic', await jsonOf(res), 'request_too_large');
    else expectErrorShape('openai', await jsonOf(res), 'invalid_request_error', 'request_too_large');
    expect(bridge.runner.runs).toHaveLength(0);
  });

  test('a chunked body is cut off once it passes the limit', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far beyond the limit, and never ending on its own.
        sent += chunk.length;
        if (sent > 64 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await bridge.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(4 * 1024 * 1024);
  });
});

test('CORS is off by default: no origin is allowed, not even for a preflight', async () => {
  const preflight = await bridge.request('/v1/chat/completions', {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  const res = await bridge.request('/v1/models', { headers: { origin: 'https://evil.example' } });
  expect(res.status).toBe(403);
  expect(res.headers.get('access-control-allow-origin')).toBeNull();
});

describe('routes and request ids', () => {
  test('an unknown route is an OpenAI-shaped 404', async () => {
    const res = await bridge.request('/v1/nothing-here');
    expect(res.status).toBe(404);
    expectErrorShape('openai', await jsonOf(res), 'invalid_request_error', 'unknown_route');
  });

  test('every answer carries a request id, errors included; Anthropic errors name it in the body', async () => {
    for (const res of [await bridge.request('/health'), await bridge.request('/v1/nothing'), await bridge.post('/v1/chat/completions', {})]) {
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    }
    const anthropic = await bridge.post('/v1/messages', { model: 'sonnet', messages: [] });
    expect(anthropic.status).toBe(400);
    expect((await jsonOf(anthropic)).request_id).toBe(anthropic.headers.get('request-id'));
  });

  test('a malformed escape in a model id is a 404, not a crash; an escaped slash still names a model', async () => {
    const res = await bridge.request('/v1/models/%ff');
    expect(res.status).toBe(404);
    expectErrorShape('openai', await jsonOf(res), 'invalid_request_error', 'model_not_found');
    expect((await bridge.request('/v1/models/anthropic%2Fclaude-sonnet-4.5')).status).toBe(200);
  });
});

test("nesting deeper than the bridge accepts is a 400 in each API's shape, not a crash", async () => {
  // Written as text: JSON.stringify itself cannot go this deep.
  const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const deepSchema = (levels: number) => `${'{"type":"object","properties":{"x":'.repeat(levels)}{"type":"string"}${'}}'.repeat(levels)}`;
  const hi = '"messages":[{"role":"user","content":"hi"}]';
  const cases: Array<[string, string]> = [
    ['/v1/chat/completions', `{"model":"haiku",${hi},"metadata":{"x":${nested(10_000)}}}`],
    ['/v1/chat/completions', `{"model":"haiku",${hi},"tools":[{"type":"function","function":{"name":"deep","parameters":${deepSchema(5_000)}}}]}`],
    ['/v1/responses', `{"model":"haiku","input":"hi","tools":[{"type":"function","name":"deep","parameters":${deepSchema(5_000)}}]}`],
    ['/v1/messages', `{"model":"haiku","max_tokens":10,${hi},"tools":[{"name":"deep","input_schema":${deepSchema(5_000)}}]}`],
    ['/v1/messages/count_tokens', `{"model":"haiku",${hi},"x":${nested(10_000)}}`],
  ];
  for (const [path, body] of cases) {
    const res = await bridge.post(path, body);
    expect(res.status, path).toBe(400);
    expectErrorShape(path.startsWith('/v1/messages') ? 'anthropic' : 'openai', await jsonOf(res), 'invalid_request_error', 'json_too_deep');
  }
  // A schema nested as deeply as real tools nest is fine.
  const fine = await bridge.post('/v1/messages/count_tokens', `{"model":"haiku",${hi},"tools":[{"name":"ok","input_schema":${deepSchema(20)}}]}`);
  expect(fine.status).toBe(200);
  expect(bridge.runner.runs).toHaveLength(0);
});
