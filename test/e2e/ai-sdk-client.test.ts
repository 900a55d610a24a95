import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
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

test('the tool loop: Claude calls a tool, the AI SDK runs it, Claude answers from the result', async () => {
  stack.fake.setHandler((request) => {
    const turns = conversation(request.body);
    const last = turns.at(-1)!;
    if (last.content.some((b) => b.type === 'tool_result')) return { blocks: [{ type: 'text', text: 'It is 25C and sunny in Paris.' }] };
    return { blocks: [{ type: 'tool_use', name: 'mcp__client__getWeather', input: { city: 'Paris' } }] };
  });
  const calls: string[] = [];
  const result = await generateText({
    model: provider('sonnet'),
    prompt: 'What is the weather in Paris?',
    stopWhen: stepCountIs(3),
    tools: {
      getWeather: tool({
        description: 'Weather for a city',
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => {
          calls.push(city);
          return { city, temperature: 25, sky: 'sunny' };
        },
      }),
    },
  });
  expect(calls).toEqual(['Paris']);
  expect(result.steps).toHaveLength(2);
  expect(result.steps[0]!.finishReason).toBe('tool-calls');
  expect(result.text).toBe('It is 25C and sunny in Paris.');
  const turns = conversation(stack.fake.lastRequest.body);
  expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
  expect(turns[1]!.content[0]).toMatchObject({ type: 'tool_use', name: 'mcp__client__getWeather', input: { city: 'Paris' } });
  expect(turns[2]!.content[0]).toMatchObject({ type: 'tool_result' });
  expect(JSON.stringify(turns[2]!.content[0])).toContain('sunny');
});
