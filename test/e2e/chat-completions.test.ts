import type OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { assertSchema } from '../support/openai-schema.js';
import { useStack } from '../support/stack.js';

const stack = useStack();

const hello: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello' }];

// A real run each way: the answer and usage Claude Code reports, and tokens
// relayed as Claude sends them. The translation of recorded runs (finish
// reasons, chunk shapes, the usage chunk, SSE framing, the stream helper) is
// checked without Claude Code in test/inmemory/chat-completions.test.ts.

describe('non-streaming', () => {
  test('returns a chat.completion with the answer, finish_reason and real usage', async () => {
    stack.fake.reply({
      blocks: [{ type: 'text', text: ['Hi ', 'there'] }],
      usage: { input_tokens: 30, cache_read_input_tokens: 7, cache_creation_input_tokens: 5, output_tokens: 9 },
    });
    const res = await stack.openai.chat.completions.create({ model: 'sonnet', messages: hello });
    assertSchema('CreateChatCompletionResponse', res);
    expect(res.object).toBe('chat.completion');
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.model).toBe(stack.fake.lastRequest.body.model);
    expect(res.model).toMatch(/^claude-sonnet/);
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0]!.message).toEqual({ role: 'assistant', content: 'Hi there', refusal: null });
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.choices[0]!.logprobs).toBeNull();
    expect(res.usage).toEqual({
      prompt_tokens: 42,
      completion_tokens: 9,
      total_tokens: 51,
      prompt_tokens_details: { cached_tokens: 7, cache_write_tokens: 5 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

});

describe('streaming', () => {
  test('relays each token as it arrives, without buffering the answer', async () => {
    // Claude's answer stops after its first token until the client has seen that token.
    let firstTokenSeen!: () => void;
    const seen = new Promise<void>((resolve) => (firstTokenSeen = resolve));
    // A bridge that held tokens back would never show one: give up after a while, and fail.
    const giveUp = setTimeout(firstTokenSeen, 20_000);
    // message_start, content_block_start, the first text delta: then the hold.
    stack.fake.reply({ blocks: [{ type: 'text', text: ['a', 'b', 'c', 'd'] }], holds: [{ afterEvents: 3, until: seen }] });
    const stream = await stack.openai.chat.completions.create({ model: 'haiku', messages: hello, stream: true });
    let text = '';
    let firstTokenWhileHeld: boolean | undefined;
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (!content) continue;
      if (firstTokenWhileHeld === undefined) {
        // The message request's answer is still held upstream: not finished.
        const index = stack.fake.requests.indexOf(stack.fake.lastRequest) + 1;
        firstTokenWhileHeld = !stack.fake.finishedMessages.includes(index);
        firstTokenSeen();
      }
      text += content;
    }
    clearTimeout(giveUp);
    expect(firstTokenWhileHeld).toBe(true);
    expect(text).toBe('abcd');
  });
});
