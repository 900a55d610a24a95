import type OpenAI from 'openai';
import { beforeAll, expect, test } from 'vitest';
import { inMemoryBridge, officialClients, type InMemoryBridge } from '../support/in-memory-bridge.js';

// The session log's line for a streamed request, as the log would write it
// (the lines are kept in memory here). Files, their rotation and modes, and
// what a line leaves out (keys, image data) are checked on real files in
// test/e2e/session-log.test.ts.
let bridge: InMemoryBridge;
let openai: OpenAI;
beforeAll(async () => {
  bridge = await inMemoryBridge({ sessionLog: true });
  ({ openai } = officialClients(bridge));
});

test('a streamed request is logged with its answer, once the stream has ended', async () => {
  const stream = await openai.chat.completions.create({ model: 'haiku', stream: true, messages: [{ role: 'user', content: 'streamed' }] });
  for await (const _ of stream) {
    // drain
  }
  await expect.poll(() => bridge.sessionLines).toHaveLength(1);
  expect(bridge.sessionLines[0]).toMatchObject({
    endpoint: 'POST /v1/chat/completions',
    model: 'haiku',
    stream: true,
    status: 200,
    answer: { text: 'Hello world', toolCalls: [] },
    stopReason: 'end_turn',
  });
});
