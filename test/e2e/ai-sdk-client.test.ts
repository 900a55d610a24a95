import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { conversation } from '../support/fake-anthropic.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let provider: ReturnType<typeof createOpenAICompatible>;
beforeAll(async () => {
  stack = await startStack();
  provider = createOpenAICompatible({ name: 'claude-code-bridge', baseURL: stack.baseURL, includeUsage: true });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack.fake.reset());

test('generateText gets the answer, finish reason and usage', async () => {
  stack.fake.reply({ blocks: [{ type: 'text', text: ['Paris', ' is the capital.'] }], usage: { input_tokens: 20, output_tokens: 6 } });
  const result = await generateText({
    model: provider('sonnet'),
    system: 'Answer briefly.',
    messages: [
      { role: 'user', content: 'Capital of France?' },
      { role: 'assistant', content: 'Let me think.' },
      { role: 'user', content: 'Go on.' },
    ],
  });
  expect(result.text).toBe('Paris is the capital.');
  expect(result.finishReason).toBe('stop');
  expect(result.usage.inputTokens).toBe(20);
  expect(result.usage.outputTokens).toBe(6);
  expect(conversation(stack.fake.lastRequest.body).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
});

test('streamText streams the deltas', async () => {
  stack.fake.reply({ blocks: [{ type: 'text', text: ['a', 'b', 'c'] }] });
  const result = streamText({ model: provider('haiku'), prompt: 'letters' });
  const parts: string[] = [];
  for await (const delta of result.textStream) parts.push(delta);
  expect(parts).toEqual(['a', 'b', 'c']);
  expect(await result.finishReason).toBe('stop');
  expect((await result.usage).outputTokens).toBeGreaterThan(0);
});
