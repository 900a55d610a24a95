import { beforeAll, beforeEach, expect, test } from 'vitest';
import { jsonOf } from '../support/http.js';
import { inMemoryBridge, type InMemoryBridge } from '../support/in-memory-bridge.js';

// The names people's tools send, mapped onto the model families Claude Code
// offers: which model the bridge asks Claude Code for. That Claude Code then
// answers with the family's current model, and the response names it, is
// checked with the real Claude Code, one name per family
// (test/e2e/models-and-health.test.ts).
let bridge: InMemoryBridge;
beforeAll(async () => {
  bridge = await inMemoryBridge();
});
beforeEach(() => bridge.runner.reset());

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
])('%s asks Claude Code for its current %s model', async (name, family) => {
  const res = await bridge.post('/v1/chat/completions', { model: name, messages: [{ role: 'user', content: 'hi' }] });
  expect(res.status).toBe(200);
  expect((await jsonOf(res)).object).toBe('chat.completion');
  expect(bridge.runner.runs.map((run) => run.sdkModel)).toEqual([family]);
});

test("no model, or a name for the default, leaves the choice to Claude Code", async () => {
  await bridge.post('/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }] });
  await bridge.post('/v1/chat/completions', { model: 'claude', messages: [{ role: 'user', content: 'hi' }] });
  expect(bridge.runner.runs.map((run) => run.sdkModel)).toEqual([undefined, undefined]);
});
