import { describe, expect, test } from 'vitest';
import { assertSchema } from '../support/openai-schema.js';
import { apiError, jsonOf } from '../support/http.js';
import { parsePrometheus, valueOf } from '../support/prometheus.js';
import { useStack } from '../support/stack.js';

const stack = useStack();
const REQUESTS = 'bridge_requests_total';

describe('GET /v1/models', () => {
  test("lists the models this Claude Code offers, as OpenAI Model objects", async () => {
    const page = await stack.openai.models.list();
    const raw = await (await fetch(`${stack.baseURL}/models`)).json();
    assertSchema('ListModelsResponse', raw);
    const ids = page.data.map((m) => m.id);
    // Asked of Claude Code itself: its aliases and the full ids they resolve to.
    expect(stack.server.catalog.current().source).toBe('claude-code');
    expect(ids).toEqual(expect.arrayContaining(['opus', 'sonnet', 'haiku', 'default']));
    expect(ids.some((id) => /^claude-sonnet-\d/.test(id))).toBe(true);
    for (const model of page.data) {
      expect(model).toMatchObject({ object: 'model', owned_by: 'anthropic' });
      expect(Number.isInteger(model.created)).toBe(true);
    }
    // Listing models never calls Claude.
    expect(stack.fake.messageRequests).toHaveLength(0);
  });

  test('GET /v1/models/{id} answers for listed ids and accepted names, 404 otherwise', async () => {
    const sonnet = await stack.openai.models.retrieve('sonnet');
    assertSchema('Model', sonnet);
    expect(sonnet.id).toBe('sonnet');
    const slashed = await fetch(`${stack.baseURL}/models/anthropic/claude-sonnet-4.5`);
    expect(slashed.status).toBe(200);
    expect(await slashed.json()).toMatchObject({ id: 'anthropic/claude-sonnet-4.5', object: 'model' });
    const missing = await fetch(`${stack.baseURL}/models/gpt-4o`);
    expect(missing.status).toBe(404);
    const body = await jsonOf(missing);
    assertSchema('ErrorResponse', body);
    expect(body.error.code).toBe('model_not_found');
  });
});

describe('model names in requests', () => {
  const resolved = () => stack.server.catalog.current().entries;
  const idOf = (alias: string) => resolved().find((m) => m.alias === alias)!.resolvedId!;

  test.each([
    ['sonnet', 'sonnet'],
    ['claude-sonnet', 'sonnet'],
    ['claude-3.5-sonnet', 'sonnet'],
    ['anthropic/claude-sonnet-4.5', 'sonnet'],
    ['claude-3-5-haiku-20241022', 'haiku'],
    ['claude-haiku', 'haiku'],
    ['claude-opus', 'opus'],
    ['claude-opus-4-1', 'opus'],
    ['opus', 'opus'],
  ])('%s is answered by the current %s model, and the response names it', async (name, family) => {
    const res = await stack.openai.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'hi' }] });
    expect(stack.fake.lastRequest.body.model).toBe(idOf(family));
    expect(res.model).toBe(idOf(family));
  });

  test('a full model id is accepted as is', async () => {
    const id = idOf('haiku');
    const res = await stack.openai.chat.completions.create({ model: id, messages: [{ role: 'user', content: 'hi' }] });
    expect(stack.fake.lastRequest.body.model).toBe(id);
    expect(res.model).toBe(id);
  });

  test("no model means Claude Code's own default", async () => {
    const res = await fetch(`${stack.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(stack.fake.lastRequest.body.model).toBe(idOf('default'));
    expect((await jsonOf(res)).model).toBe(idOf('default'));
  });

  test.each(['gpt-4o', 'llama3', 'openai/claude-sonnet', 'claude-unknown'])(
    'unknown model %s is a 404 model_not_found listing what exists, and never reaches Claude',
    async (name) => {
      const err = await apiError(stack.openai.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'hi' }] }));
      expect(err).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
      expect(err.message).toContain('sonnet');
      assertSchema('ErrorResponse', { error: err.error });
      expect(stack.fake.messageRequests).toHaveLength(0);
    },
  );
});

describe('GET /health', () => {
  test('reports the executable, its version and what is known of the login, nothing secret', async () => {
    await stack.openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'hi' }] });
    const res = await fetch(`${stack.server.url}/health`);
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body).toMatchObject({
      status: 'ok',
      claude_code: { found: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) },
      login: { status: 'ok', method: 'api_key' },
    });
    const text = JSON.stringify(body);
    expect(text).not.toContain('sk-ant-fake-key-for-tests');
    expect(text).not.toContain(stack.home);
  });

  test('a monitor polling it is counted in /metrics but kept out of the recent requests', async () => {
    const before = valueOf(parsePrometheus(await (await fetch(`${stack.server.url}/metrics`)).text()), REQUESTS, { route: 'GET /health' });
    for (let i = 0; i < 3; i++) expect((await fetch(`${stack.server.url}/health`)).status).toBe(200);
    const after = valueOf(parsePrometheus(await (await fetch(`${stack.server.url}/metrics`)).text()), REQUESTS, { route: 'GET /health' });
    expect(after - before).toBe(3);
    const recent = stack.server.activity.recentRequests(500).map((r) => r.endpoint);
    expect(recent).toContain('POST /v1/chat/completions');
    expect(recent.filter((e) => !e.includes(' /v1/'))).toEqual([]);
  });
});

describe('bad requests', () => {
  const post = (body: string, contentType = 'application/json') =>
    fetch(`${stack.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': contentType }, body });

  test.each([
    ['{not json', null, 'invalid_json'],
    ['[]', null, 'invalid_json'],
    ['{"model":"sonnet"}', 'messages', 'invalid_value'],
    ['{"messages":[]}', 'messages', 'invalid_value'],
    ['{"messages":[{"role":"wizard","content":"x"}]}', 'messages[0].role', 'invalid_value'],
    ['{"messages":[{"role":"user","content":42}]}', 'messages[0].content', 'invalid_value'],
    ['{"messages":[{"role":"user","content":[{"type":"video","x":1}]}]}', 'messages[0].content[0].type', 'invalid_value'],
    ['{"messages":[{"role":"user","content":"hi"}],"stream":"yes"}', 'stream', 'invalid_value'],
    ['{"messages":[{"role":"user","content":"hi"}],"n":2}', 'n', 'unsupported_parameter'],
    ['{"messages":[{"role":"user","content":"hi"}],"logprobs":true}', 'logprobs', 'unsupported_parameter'],
    ['{"messages":[{"role":"user","content":"hi"}],"top_logprobs":2}', 'top_logprobs', 'unsupported_parameter'],
    ['{"messages":[{"role":"user","content":"hi"}],"modalities":["text","audio"]}', 'modalities', 'unsupported_parameter'],
    ['{"messages":[{"role":"user","content":"hi"}],"audio":{"voice":"alloy","format":"mp3"}}', 'audio', 'unsupported_parameter'],
    ['{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]}', 'messages[0].content[0]', 'unsupported_content'],
  ])('%s → 400 naming %s', async (body, param, code) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = await jsonOf(res);
    assertSchema('ErrorResponse', json);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', param, code });
    expect(stack.fake.messageRequests).toHaveLength(0);
  });

  test('nesting deeper than the bridge accepts is a 400 in each API\'s shape, not a crash', async () => {
    // Written as text: JSON.stringify itself cannot go this deep.
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const deepSchema = (levels: number) => `${'{"type":"object","properties":{"x":'.repeat(levels)}{"type":"string"}${'}}'.repeat(levels)}`;
    const hi = '"messages":[{"role":"user","content":"hi"}]';
    const cases: Array<[string, string]> = [
      ['/chat/completions', `{"model":"haiku",${hi},"metadata":{"x":${nested(10_000)}}}`],
      ['/chat/completions', `{"model":"haiku",${hi},"tools":[{"type":"function","function":{"name":"deep","parameters":${deepSchema(5_000)}}}]}`],
      ['/responses', `{"model":"haiku","input":"hi","tools":[{"type":"function","name":"deep","parameters":${deepSchema(5_000)}}]}`],
      ['/messages', `{"model":"haiku","max_tokens":10,${hi},"tools":[{"name":"deep","input_schema":${deepSchema(5_000)}}]}`],
      ['/messages/count_tokens', `{"model":"haiku",${hi},"x":${nested(10_000)}}`],
    ];
    for (const [path, body] of cases) {
      const res = await fetch(`${stack.baseURL}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status, path).toBe(400);
      const json = await jsonOf(res);
      if (path.startsWith('/messages')) expect(json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      else expect(json.error).toMatchObject({ type: 'invalid_request_error', code: 'json_too_deep' });
    }
    // A schema nested as deeply as real tools nest is fine.
    const fine = await fetch(`${stack.baseURL}/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"model":"haiku",${hi},"tools":[{"name":"ok","input_schema":${deepSchema(20)}}]}`,
    });
    expect(fine.status).toBe(200);
    expect(stack.fake.messageRequests).toHaveLength(0);
  });

  test('a malformed escape in a model id is a 404, not a crash', async () => {
    const res = await fetch(`${stack.baseURL}/models/%ff`);
    expect(res.status).toBe(404);
    const json = await jsonOf(res);
    assertSchema('ErrorResponse', json);
    expect(json.error.code).toBe('model_not_found');
    // An escaped slash still names a model.
    expect((await fetch(`${stack.baseURL}/models/anthropic%2Fclaude-sonnet-4.5`)).status).toBe(200);
  });

  test('CORS is off by default: no origin is allowed, not even for a preflight', async () => {
    const preflight = await fetch(`${stack.baseURL}/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const res = await fetch(`${stack.baseURL}/models`, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('unknown routes are OpenAI-shaped 404s', async () => {
    const res = await fetch(`${stack.baseURL}/nothing-here`);
    expect(res.status).toBe(404);
    assertSchema('ErrorResponse', await res.json());
  });

  test('parameters that have no effect are accepted and named in a header', async () => {
    const res = await fetch(`${stack.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'haiku',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }],
        temperature: 0.2,
        top_k: 5,
        seed: 1,
        prediction: { type: 'content', content: 'x' },
        web_search_options: {},
      }),
    });
    expect(res.status).toBe(200);
    // The temperature goes to Claude's API (which this fake does not refuse).
    expect(res.headers.get('x-claude-code-bridge-ignored')).toBe('messages[].content[].cache_control, prediction, seed, top_k, web_search_options');
  });
});

describe('HTTP guards', () => {
  test('the wrong method is a 405 with Allow', async () => {
    const res = await fetch(`${stack.baseURL}/chat/completions`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    assertSchema('ErrorResponse', await jsonOf(res));
    expect((await fetch(`${stack.baseURL}/models`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(405);
  });

  test('a body that is not JSON is a 415', async () => {
    const res = await fetch(`${stack.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'messages=hi',
    });
    expect(res.status).toBe(415);
    const body = await jsonOf(res);
    assertSchema('ErrorResponse', body);
    expect(body.error.code).toBe('unsupported_media_type');
  });

  test('a body over the limit is a 413, refused without reading the rest', async () => {
    // Announce 64 MB, send a few bytes, keep the connection open: the answer must come anyway.
    const { request } = await import('node:http');
    const url = new URL(`${stack.baseURL}/chat/completions`);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(64 * 1024 * 1024) } },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write('{"messages": [');
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('request_too_large');
  });

  test('every response carries a request id', async () => {
    const res = await fetch(`${stack.server.url}/health`);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });
});
