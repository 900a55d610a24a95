import type OpenAI from 'openai';
import { expect, test } from 'vitest';
import { systemText } from '../support/fake-anthropic.js';
import { useStack } from '../support/stack.js';

const stack = useStack({ flags: { reasoning: 'off', defaultSystemPrompt: 'You are a terse test assistant.' } });

test('with --reasoning off, thinking is not returned, the answer is', async () => {
  stack.fake.reply({ blocks: [{ type: 'thinking', thinking: 'secret musings' }, { type: 'text', text: 'Answer.' }] });
  const res = await stack.openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'q' }] });
  const message = res.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
  expect(message.content).toBe('Answer.');
  expect(message.reasoning_content).toBeUndefined();
  expect(JSON.stringify(res)).not.toContain('secret musings');

  const stream = await stack.openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'q' }], stream: true });
  let raw = '';
  for await (const chunk of stream) raw += JSON.stringify(chunk);
  expect(raw).not.toContain('secret musings');
  expect(raw).toContain('Answer.');
});

test('--system-prompt replaces the default for requests without one', async () => {
  await stack.openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'q' }] });
  expect(systemText(stack.fake.lastRequest.body)).toContain('You are a terse test assistant.');
});
