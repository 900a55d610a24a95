import { describe, expect, test, vi } from 'vitest';
import { assertSchema } from '../support/openai-schema.js';
import { jsonOf } from '../support/http.js';
import { parsePrometheus, valueOf } from '../support/prometheus.js';
import { useStack } from '../support/stack.js';
import { until } from '../support/wait.js';

const stack = useStack();
const REQUESTS = 'bridge_requests_total';

/** Claude Code processes the bridge starts only to ask for its models, while `during` runs. */
async function modelListStarts(during: () => Promise<unknown>): Promise<number> {
  const handle = vi.spyOn(stack.server.registry, 'handle');
  try {
    await during();
    return handle.mock.calls.filter(([role]) => role === 'catalog').length;
  } finally {
    handle.mockRestore();
  }
}

describe('where the model list comes from', () => {
  // First in the file: nothing has asked for the list on this server yet.
  test('a fresh server has not asked; the first look at /health shows the fallback and asks Claude Code', async () => {
    let first: { models: { source: string } } | undefined;
    const asked = await modelListStarts(async () => {
      first = await jsonOf(await fetch(`${stack.server.url}/health`));
      await until(() => stack.server.catalog.current().source === 'claude-code', 'the list Claude Code was asked for');
    });
    expect(first!.models.source).toBe('fallback');
    expect(asked).toBe(1);
    const health = await jsonOf(await fetch(`${stack.server.url}/health`));
    expect(health.models.source).toBe('claude-code');
  });

  test('every run tells the list anew, so no process is started to ask while runs go on', async () => {
    const before = stack.server.catalog.current().fetchedAt;
    const asked = await modelListStarts(() =>
      stack.openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(asked).toBe(0);
    expect(stack.server.catalog.current().fetchedAt).toBeGreaterThan(before);
    expect(stack.server.catalog.current().source).toBe('claude-code');
  });
});

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

  // A name the bridge maps onto a family, which Claude Code resolves to the
  // family's full id (a full id and no model are the two tests below); the
  // whole table of names the bridge maps onto the families is checked
  // without Claude Code (test/inmemory/model-names.test.ts).
  test.each([['claude-opus-4-1', 'opus']])('%s is answered by the current %s model, and the response names it', async (name, family) => {
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
