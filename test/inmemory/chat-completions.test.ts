import type OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { useInMemoryBridge } from '../support/in-memory-bridge.js';
import { assertSchema, chunksOf } from '../support/openai-schema.js';
import { readSse } from '../support/sse.js';

// Chat Completions as the client sees it for runs recorded from the real
// Claude Code: finish reasons, the exact chunk shape, the usage chunk, the
// SSE framing and the openai client's stream helper. A real run's answer and
// usage, and tokens relayed as they arrive, are checked with Claude Code
// (test/e2e/chat-completions.test.ts).
const { bridge, openai } = useInMemoryBridge();

const hello: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello' }];

describe('non-streaming', () => {
  test('maps max_tokens to length and refusal to content_filter', async () => {
    bridge.runner.play({ recording: 'max-tokens' });
    const cut = await openai.chat.completions.create({ messages: hello, model: 'sonnet' });
    expect(cut.choices[0]!.finish_reason).toBe('length');
    bridge.runner.play({ recording: 'refusal' });
    const refused = await openai.chat.completions.create({ messages: hello, model: 'sonnet' });
    expect(refused.choices[0]!.finish_reason).toBe('content_filter');
    expect(refused.choices[0]!.message.content).toBe('no');
    assertSchema('CreateChatCompletionResponse', refused);
  });
});

describe('streaming', () => {
  test('streams one chunk per token with the exact chunk shape', async () => {
    const chunks = await chunksOf(await openai.chat.completions.create({ model: 'haiku', messages: hello, stream: true }));
    const ids = new Set(chunks.map((c) => c.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^chatcmpl-/);
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
    expect(new Set(chunks.map((c) => c.model)).size).toBe(1);
    expect(chunks[0]!.model).toMatch(/^claude-/);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.filter((c) => c.choices[0]?.delta.role !== undefined)).toHaveLength(1);
    const contents = chunks.map((c) => c.choices[0]?.delta.content).filter((t) => t);
    expect(contents).toEqual(['Hello', ' world']);
    const finishing = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finishing).toHaveLength(1);
    expect(finishing[0]!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toBe(finishing[0]);
    expect(chunks.every((c) => c.choices.every((ch) => ch.index === 0 && ch.logprobs === null))).toBe(true);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });

  test('ends with a usage chunk when stream_options.include_usage is set', async () => {
    const chunks = await chunksOf(
      await openai.chat.completions.create({ model: 'haiku', messages: hello, stream: true, stream_options: { include_usage: true } }),
    );
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    // The recorded run: 20 input tokens and 4 read from the cache, 5 out.
    expect(last.usage).toMatchObject({ prompt_tokens: 24, completion_tokens: 5, total_tokens: 29, prompt_tokens_details: { cached_tokens: 4 } });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  });

  test('is real SSE: text/event-stream, data frames, a final [DONE]', async () => {
    const raw = await readSse(await bridge.post('/v1/chat/completions', { model: 'haiku', messages: hello, stream: true }));
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(raw.headers.get('cache-control')).toBe('no-cache');
    expect(raw.events.at(-1)!.data).toBe('[DONE]');
    expect(raw.events.filter((e) => e.data === '[DONE]')).toHaveLength(1);
    for (const e of raw.events.slice(0, -1)) assertSchema('CreateChatCompletionStreamResponse', JSON.parse(e.data));
    expect(raw.text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  test('works with the openai .stream() helper', async () => {
    const runner = openai.chat.completions.stream({ model: 'sonnet', messages: hello });
    const deltas: string[] = [];
    runner.on('content', (delta) => deltas.push(delta));
    const final = await runner.finalChatCompletion();
    expect(deltas).toEqual(['Hello', ' world']);
    expect(final.choices[0]!.message.content).toBe('Hello world');
    expect(final.choices[0]!.finish_reason).toBe('stop');
  });
});
