import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { bundledExecutablePath } from '../../src/claude/executable.js';
import { apiError } from '../support/http.js';
import { waitForNoRuns } from '../support/processes.js';
import { postSse } from '../support/sse.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    flags: { claudeExecutable: fileURLToPath(new URL('../fixtures/claude-crash.mjs', import.meta.url)) },
    env: { REAL_CLAUDE_PATH: bundledExecutablePath()! },
  });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack.fake.reset());

test('Claude Code exiting before it answers → 502 with what it said', async () => {
  const err = await apiError(stack.openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'EXIT_EARLY please' }] }));
  expect(err.status).toBe(502);
  expect(err.message).toContain('simulated failure before answering');
  await waitForNoRuns(stack.server.registry);
});

test('Claude Code crashing mid-answer ends the stream with an error frame', async () => {
  stack.fake.reply({ blocks: [{ type: 'text', text: ['Sure, ', 'CRASH_NOW', ' never seen'] }], delayMs: 100 });
  const raw = await postSse(`${stack.baseURL}/chat/completions`, { model: 'haiku', stream: true, messages: [{ role: 'user', content: 'go' }] });
  expect(raw.status).toBe(200);
  const last = JSON.parse(raw.events.at(-1)!.data);
  expect(last.error).toMatchObject({ type: 'upstream_error' });
  expect(last.error.message).toMatch(/Claude Code/);
  expect(raw.events.some((e) => e.data === '[DONE]')).toBe(false);
  // What Claude had said before the crash reached the client, token by token, ahead of the error
  // (the stand-in passes on the line that carries CRASH_NOW before it kills Claude Code).
  const said = raw.events.slice(0, -1).map((e) => (JSON.parse(e.data) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '');
  expect(['Sure, ', 'Sure, CRASH_NOW']).toContain(said.join(''));
  await waitForNoRuns(stack.server.registry);
});

test('Claude Code crashing mid-answer without streaming → 502', async () => {
  stack.fake.reply({ blocks: [{ type: 'text', text: ['Sure, ', 'CRASH_NOW'] }], delayMs: 50 });
  const err = await apiError(stack.openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'go' }] }));
  expect(err.status).toBe(502);
  await waitForNoRuns(stack.server.registry);
});

test('the bridge keeps serving after crashes', async () => {
  const res = await stack.openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'still there?' }] });
  expect(res.choices[0]!.message.content).toBe('Echo: still there?');
});
