import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { inMemoryBridge, type InMemoryBridge } from '../support/in-memory-bridge.js';
import { assertSchema } from '../support/openai-schema.js';

// A web page must not reach the bridge: not by pointing its own domain at
// 127.0.0.1 (DNS rebinding), and not with requests CORS would let it send
// but not read. Nothing such a request asks for may run.
let bridge: InMemoryBridge;
beforeAll(async () => {
  bridge = await inMemoryBridge({ flags: { allowedHosts: 'bridge.example.com, .tunnel.example', corsOrigins: 'https://chat.example.com' } });
});
beforeEach(() => bridge.runner.reset());

const chatBody = JSON.stringify({ model: 'haiku', messages: [{ role: 'user', content: 'hi' }] });
const messagesBody = JSON.stringify({ model: 'haiku', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
const json = { 'content-type': 'application/json' };

interface RawRequest {
  method?: string;
  path: string;
  /** Sent exactly as given, Host and Origin included. */
  headers?: Record<string, string>;
  body?: string;
}

async function send(request: RawRequest): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await bridge.request(request.path, {
    method: request.method ?? 'GET',
    headers: request.headers ?? {},
    // Bytes, so that no content type is added that the request did not have.
    ...(request.body === undefined ? {} : { body: new TextEncoder().encode(request.body) }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
const port = () => String(bridge.config.port);

/** Every route a page would want: the API (each POST route with a valid body), the status page and its data, health. */
const routes = (): RawRequest[] => [
  { method: 'POST', path: '/v1/chat/completions', headers: json, body: chatBody },
  { method: 'POST', path: '/v1/messages', headers: json, body: messagesBody },
  { method: 'POST', path: '/v1/messages/count_tokens', headers: json, body: messagesBody },
  { method: 'POST', path: '/v1/responses', headers: json, body: JSON.stringify({ model: 'haiku', input: 'hi' }) },
  { path: '/v1/models' },
  { path: '/v1/responses/resp_x' },
  { path: '/bridge/api/status' },
  { path: '/bridge/api/requests' },
  { path: '/' },
  { path: '/health' },
  { path: '/metrics' },
];

function expectErrorShape(path: string, text: string, code: string): void {
  const body = JSON.parse(text);
  if (path.startsWith('/v1/messages')) {
    expect(body).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
  } else {
    assertSchema('ErrorResponse', body);
    expect(body.error).toMatchObject({ type: 'permission_error', code });
  }
}

describe('DNS rebinding: only host names that name this bridge are answered', () => {
  test.each(['rebind.attacker.example', 'rebind.attacker.example:8000', 'bridge.example.com.evil.example', 'localhost.attacker.example'])(
    'Host %s → 403 on every route, and nothing runs',
    async (host) => {
      for (const route of routes()) {
        const res = await send({ ...route, headers: { ...route.headers, host } });
        expect(res.status, route.path).toBe(403);
        expectErrorShape(route.path, res.text, 'host_not_allowed');
        // The refusal says why and what a proxy's owner should do.
        expect(res.text).toContain('--allowed-hosts');
      }
      expect(bridge.runner.runs).toHaveLength(0);
      expect(bridge.activity.recentRequests(500)).toHaveLength(0);
    },
  );

  test.each([
    () => `127.0.0.1:${port()}`,
    () => `localhost:${port()}`,
    () => `LOCALHOST.:${port()}`,
    () => `[::1]:${port()}`,
    () => `app.localhost:${port()}`,
    () => `192.168.1.20:${port()}`,
    () => 'bridge.example.com',
    () => 'bridge.example.com:443',
    () => 'tunnel.example',
    () => 'abc.tunnel.example',
  ])('a loopback name, an address, or a name in --allowed-hosts is answered (%#)', async (host) => {
    const res = await send({ path: '/v1/models', headers: { host: host() } });
    expect(res.status).toBe(200);
  });

  test('a request without a Host header (HTTP/1.0, no browser) is answered', async () => {
    const res = await bridge.app.request('http://127.0.0.1:8000/health');
    expect(res.status).toBe(200);
  });
});

describe('requests a page could send without asking CORS', () => {
  test.each([
    ['/v1/chat/completions', chatBody],
    ['/v1/messages', messagesBody],
    ['/v1/messages/count_tokens', messagesBody],
    ['/v1/responses', JSON.stringify({ model: 'haiku', input: 'hi' })],
  ])('POST %s without a Content-Type, or as text/plain or a form → 415 before anything runs', async (path, body) => {
    for (const headers of [{} as Record<string, string>, { 'content-type': 'text/plain;charset=UTF-8' }, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'multipart/form-data; boundary=x' }]) {
      const res = await send({ method: 'POST', path, headers, body });
      expect(res.status, JSON.stringify(headers)).toBe(415);
      const error = JSON.parse(res.text);
      if (path.startsWith('/v1/messages')) expect(error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      else expect(error.error.code).toBe('unsupported_media_type');
      expect(res.text).toContain('application/json');
    }
    expect(bridge.runner.runs).toHaveLength(0);
  });

  test('another route that takes no POST still answers 405, not 415', async () => {
    const res = await send({ method: 'POST', path: '/v1/models' });
    expect(res.status).toBe(405);
  });

  test.each(['https://evil.example', 'null', 'http://localhost:3000', 'https://chat.example.com.evil.example'])(
    'a page from %s, which CORS does not allow, is refused on every route before anything runs',
    async (origin) => {
      for (const route of routes()) {
        const res = await send({ ...route, headers: { ...route.headers, origin } });
        expect(res.status, route.path).toBe(403);
        expectErrorShape(route.path, res.text, 'origin_not_allowed');
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
      }
      const preflight = await send({ method: 'OPTIONS', path: '/v1/chat/completions', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(preflight.status).toBe(403);
      expect(bridge.runner.runs).toHaveLength(0);
    },
  );

  test('an origin listed in --cors-origins may call the API, but not the status page or its data', async () => {
    const origin = 'https://chat.example.com';
    const res = await send({ method: 'POST', path: '/v1/chat/completions', headers: { ...json, origin }, body: chatBody });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(JSON.parse(res.text).choices[0].message.content).toBe('Hello world');
    for (const path of ['/bridge/api/status', '/']) {
      const page = await send({ path, headers: { origin } });
      expect(page.status, path).toBe(403);
      expect(page.text).toContain('--cors-origins does not extend to it');
    }
  });

  test("the bridge's own page (same origin) may call everything, under any name it answers to", async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, 'bridge.example.com']) {
      const origin = host === 'bridge.example.com' ? 'https://bridge.example.com' : `http://${host}`;
      const chat = await send({ method: 'POST', path: '/v1/chat/completions', headers: { ...json, host, origin }, body: chatBody });
      expect(chat.status, host).toBe(200);
      const status = await send({ path: '/bridge/api/status', headers: { host, origin } });
      expect(status.status, host).toBe(200);
    }
    // Another port on the same machine is another origin.
    const other = await send({ path: '/bridge/api/status', headers: { origin: 'http://127.0.0.1:1' } });
    expect(other.status).toBe(403);
  });

  test('behind a proxy that passes the bridge its own Host, a page served under a name in --allowed-hosts is still its own', async () => {
    for (const origin of ['https://bridge.example.com', 'https://a.tunnel.example']) {
      const chat = await send({ method: 'POST', path: '/v1/chat/completions', headers: { ...json, origin }, body: chatBody });
      expect(chat.status, origin).toBe(200);
      expect((await send({ path: '/bridge/api/status', headers: { origin } })).status, origin).toBe(200);
    }
  });
});
