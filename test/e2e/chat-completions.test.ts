import type OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { assertSchema } from '../support/openai-schema.js';
import { postSse } from '../support/sse.js';
import { useStack } from '../support/stack.js';

const stack = useStack();

const hello: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello' }];

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

  test('maps max_tokens to length and refusal to content_filter', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: 'cut' }], stopReason: 'max_tokens' });
    const cut = await stack.openai.chat.completions.create({ messages: hello, model: 'sonnet' });
    expect(cut.choices[0]!.finish_reason).toBe('length');
    stack.fake.reply({ blocks: [{ type: 'text', text: 'no' }], stopReason: 'refusal' });
    const refused = await stack.openai.chat.completions.create({ messages: hello, model: 'sonnet' });
    expect(refused.choices[0]!.finish_reason).toBe('content_filter');
    assertSchema('CreateChatCompletionResponse', refused);
  });
});

describe('streaming', () => {
  test('streams one chunk per token with the exact chunk shape', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['One', ' two', ' three'] }] });
    const stream = await stack.openai.chat.completions.create({ model: 'haiku', messages: hello, stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      assertSchema('CreateChatCompletionStreamResponse', chunk);
      chunks.push(chunk);
    }
    const ids = new Set(chunks.map((c) => c.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^chatcmpl-/);
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === stack.fake.lastRequest.body.model)).toBe(true);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.filter((c) => c.choices[0]?.delta.role !== undefined)).toHaveLength(1);
    const contents = chunks.map((c) => c.choices[0]?.delta.content).filter((t) => t);
    expect(contents).toEqual(['One', ' two', ' three']);
    const finishing = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finishing).toHaveLength(1);
    expect(finishing[0]!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toBe(finishing[0]);
    expect(chunks.every((c) => c.choices.every((ch) => ch.index === 0 && ch.logprobs === null))).toBe(true);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });

  test('ends with a usage chunk when stream_options.include_usage is set', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: 'x' }], usage: { input_tokens: 10, output_tokens: 3 } });
    const stream = await stack.openai.chat.completions.create({
      model: 'haiku',
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      assertSchema('CreateChatCompletionStreamResponse', chunk);
      chunks.push(chunk);
    }
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  });

  test('is real SSE: text/event-stream, data frames, a final [DONE]', async () => {
    const raw = await postSse(`${stack.baseURL}/chat/completions`, { model: 'haiku', messages: hello, stream: true });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(raw.headers.get('cache-control')).toBe('no-cache');
    expect(raw.events.at(-1)!.data).toBe('[DONE]');
    expect(raw.events.filter((e) => e.data === '[DONE]')).toHaveLength(1);
    for (const e of raw.events.slice(0, -1)) assertSchema('CreateChatCompletionStreamResponse', JSON.parse(e.data));
    expect(raw.text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

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

  test('works with the openai .stream() helper', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['Hel', 'lo'] }] });
    const runner = stack.openai.chat.completions.stream({ model: 'sonnet', messages: hello });
    const deltas: string[] = [];
    runner.on('content', (delta) => deltas.push(delta));
    const final = await runner.finalChatCompletion();
    expect(deltas.join('')).toBe('Hello');
    expect(final.choices[0]!.message.content).toBe('Hello');
    expect(final.choices[0]!.finish_reason).toBe('stop');
  });
});
