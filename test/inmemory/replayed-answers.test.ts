import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { apiError, jsonOf } from '../support/http.js';
import { inMemoryBridge, officialClients, type InMemoryBridge } from '../support/in-memory-bridge.js';
import { assertResponseStreamEvent, assertSchema } from '../support/openai-schema.js';
import { readSse } from '../support/sse.js';

// What each API answers for runs recorded from the real Claude Code, through
// the real pipeline, routes and translators: the shapes (validated against
// the official schemas), the mappings (finish reasons, usage, tool calls,
// thinking) and the errors, each in its API's shape and status.
let bridge: InMemoryBridge;
let openai: OpenAI;
let anthropic: Anthropic;
beforeAll(async () => {
  bridge = await inMemoryBridge();
  ({ openai, anthropic } = officialClients(bridge));
});
beforeEach(() => bridge.runner.reset());

const hi: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];
const chatTools: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } },
];
const anthropicTools: Anthropic.Tool[] = chatTools.map((t) => ({
  name: (t as OpenAI.ChatCompletionFunctionTool).function.name,
  input_schema: (t as OpenAI.ChatCompletionFunctionTool).function.parameters as Anthropic.Tool.InputSchema,
}));
const responsesTools: OpenAI.Responses.FunctionTool[] = chatTools.map((t) => {
  const fn = (t as OpenAI.ChatCompletionFunctionTool).function;
  return { type: 'function', name: fn.name, parameters: fn.parameters ?? null, strict: false };
});

describe('Chat Completions', () => {
  test('text: a chat.completion with the answer, stop, and usage counting cached input', async () => {
    const res = await bridge.post('/v1/chat/completions', { model: 'sonnet', messages: hi });
    const body = await jsonOf(res);
    assertSchema('CreateChatCompletionResponse', body);
    expect(body.choices[0]).toMatchObject({ message: { role: 'assistant', content: 'Hello world' }, finish_reason: 'stop' });
    expect(body.model).toMatch(/^claude-/);
    expect(body.usage).toMatchObject({ prompt_tokens: 24, completion_tokens: 5, total_tokens: 29, prompt_tokens_details: { cached_tokens: 4 } });
  });

  test('text, streamed: one chunk per token, each valid, a usage chunk when asked, then [DONE]', async () => {
    const raw = await readSse(await bridge.post('/v1/chat/completions', { model: 'sonnet', messages: hi, stream: true, stream_options: { include_usage: true } }));
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(raw.events.at(-1)!.data).toBe('[DONE]');
    const chunks = raw.events.slice(0, -1).map((e) => JSON.parse(e.data) as OpenAI.ChatCompletionChunk);
    for (const chunk of chunks) assertSchema('CreateChatCompletionStreamResponse', chunk);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.map((c) => c.choices[0]?.delta.content).filter(Boolean)).toEqual(['Hello', ' world']);
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 24, completion_tokens: 5 } });
  });

  test('thinking comes back as reasoning_content, beside the answer', async () => {
    bridge.runner.play({ recording: 'thinking-text' });
    const res = await openai.chat.completions.create({ model: 'sonnet', messages: hi });
    expect(res.choices[0]!.message).toMatchObject({ content: 'Answer.', reasoning_content: 'Let me think.' });
  });

  test('tool calls: tool_calls with the client names, call_ ids and JSON arguments; finish_reason tool_calls', async () => {
    bridge.runner.play({ recording: 'tool-calls' });
    const res = await openai.chat.completions.create({ model: 'sonnet', messages: hi, tools: chatTools });
    assertSchema('CreateChatCompletionResponse', res);
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
    expect(res.choices[0]!.message.content).toBe('Checking.');
    const calls = res.choices[0]!.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((c) => [c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_time', { tz: 'CET' }],
    ]);
    for (const call of calls) expect(call.id).toMatch(/^call_/);
    // The run was offered the client's tools.
    expect(bridge.runner.runs[0]!.request.tools.map((t) => t.name)).toEqual(['get_weather', 'get_time']);
  });

  test('tool calls, streamed: each call opens with index, id, type and name, then its argument fragments', async () => {
    bridge.runner.play({ recording: 'tool-calls' });
    const stream = await openai.chat.completions.create({ model: 'sonnet', messages: hi, tools: chatTools, stream: true });
    const deltas: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    for await (const chunk of stream) {
      assertSchema('CreateChatCompletionStreamResponse', chunk);
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
    }
    expect(deltas[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather' } });
    const args = (index: number) => deltas.filter((d) => d.index === index).map((d) => d.function?.arguments ?? '').join('');
    expect(JSON.parse(args(0))).toEqual({ city: 'Paris' });
    expect(JSON.parse(args(1))).toEqual({ tz: 'CET' });
  });

  test('the output limit reached is finish_reason length', async () => {
    bridge.runner.play({ recording: 'max-tokens' });
    const res = await openai.chat.completions.create({ model: 'sonnet', messages: hi });
    expect(res.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'cut off' } });
  });
});

describe('Anthropic Messages', () => {
  test('text: a message with msg_ id, the model, end_turn and usage in Anthropic terms', async () => {
    const message = await anthropic.messages.create({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
    expect(message).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello world' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 20, output_tokens: 5, cache_read_input_tokens: 4 },
    });
  });

  test("streamed: Anthropic's event sequence, each event named after its type", async () => {
    bridge.runner.play({ recording: 'thinking-text' });
    const raw = await readSse(
      await bridge.post('/v1/messages', {
        model: 'sonnet',
        max_tokens: 100,
        stream: true,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    );
    const events = raw.events.filter((e) => e.event !== 'ping');
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
    expect(events[0]!.event).toBe('message_start');
    expect(events.at(-2)!.event).toBe('message_delta');
    expect(events.at(-1)!.event).toBe('message_stop');
    const deltas = events.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta);
    expect(deltas.filter((d) => d.type === 'thinking_delta').map((d) => d.thinking).join('')).toBe('Let me think.');
    expect(deltas.filter((d) => d.type === 'text_delta').map((d) => d.text).join('')).toBe('Answer.');
  });

  test('tool calls come back as tool_use blocks with the client names; stop_reason tool_use', async () => {
    bridge.runner.play({ recording: 'tool-calls' });
    const message = await anthropic.messages.create({ model: 'sonnet', max_tokens: 100, tools: anthropicTools, messages: [{ role: 'user', content: 'Hi' }] });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'text', text: 'Checking.' }),
      expect.objectContaining({ type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } }),
      expect.objectContaining({ type: 'tool_use', id: 'toolu_01B', name: 'get_time', input: { tz: 'CET' } }),
    ]);
  });

  test('the output limit reached is stop_reason max_tokens', async () => {
    bridge.runner.play({ recording: 'max-tokens' });
    const message = await anthropic.messages.create({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
    expect(message.stop_reason).toBe('max_tokens');
  });
});

describe('Responses', () => {
  test('text: a response object with a message item, usage and the model', async () => {
    const res = await bridge.post('/v1/responses', { model: 'sonnet', input: 'Hi' });
    const body = await jsonOf(res);
    assertSchema('Response', body);
    expect(body).toMatchObject({ object: 'response', status: 'completed', usage: { input_tokens: 24, output_tokens: 5, input_tokens_details: { cached_tokens: 4 } } });
    expect(body.output).toMatchObject([{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello world' }] }]);
  });

  test('streamed: every event valid and numbered in order; the completed response is the stored one', async () => {
    bridge.runner.play({ recording: 'thinking-text' });
    const stream = await openai.responses.create({ model: 'sonnet', input: 'Hi', stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) {
      assertResponseStreamEvent(event);
      events.push(event);
    }
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[0]!.type).toBe('response.created');
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.type).toBe('response.completed');
    expect(completed.response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(await openai.responses.retrieve(completed.response.id)).toMatchObject({ id: completed.response.id, status: 'completed' });
  });

  test('tool calls are function_call items with the client names and call ids', async () => {
    bridge.runner.play({ recording: 'tool-calls' });
    const res = await openai.responses.create({ model: 'sonnet', input: 'Hi', tools: responsesTools });
    const calls = res.output.filter((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call');
    expect(calls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_time', { tz: 'CET' }],
    ]);
  });

  test('the output limit reached is an incomplete response', async () => {
    bridge.runner.play({ recording: 'max-tokens' });
    const res = await openai.responses.create({ model: 'sonnet', input: 'Hi' });
    expect(res).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });
});

describe('failures of the run, in each API\'s shape and status', () => {
  const cases: Array<[recording: string, openaiStatus: number, anthropicStatus: number, anthropicType: string]> = [
    ['upstream-400', 400, 400, 'invalid_request_error'],
    ['upstream-401', 401, 401, 'authentication_error'],
    ['upstream-529', 503, 529, 'overloaded_error'],
    ['usage-limit-reached', 429, 429, 'rate_limit_error'],
    ['extra-usage-required', 402, 402, 'billing_error'],
  ];
  test.each(cases)('%s → OpenAI %i, Anthropic %i %s', async (recording, openaiStatus, anthropicStatus, anthropicType) => {
    bridge.runner.play({ recording });
    const chat = await bridge.post('/v1/chat/completions', { model: 'sonnet', messages: hi });
    expect(chat.status).toBe(openaiStatus);
    assertSchema('ErrorResponse', await jsonOf(chat));
    const responses = await bridge.post('/v1/responses', { model: 'sonnet', input: 'Hi' });
    expect(responses.status).toBe(openaiStatus);
    assertSchema('ErrorResponse', await jsonOf(responses));
    const messages = await bridge.post('/v1/messages', { model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] });
    expect(messages.status).toBe(anthropicStatus);
    expect(await jsonOf(messages)).toMatchObject({ type: 'error', error: { type: anthropicType } });
    // Never as if the model had said it.
    for (const res of [chat, responses, messages]) expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  test('an upstream overload carries Retry-After; the openai client raises it as the status', async () => {
    bridge.runner.play({ recording: 'upstream-529' });
    const err = await apiError(openai.chat.completions.create({ model: 'sonnet', messages: hi }));
    expect(err.status).toBe(503);
    expect(Number((err.headers as Headers).get('retry-after'))).toBeGreaterThan(0);
  });

  test('every slot is given back after each failure', () => {
    expect(bridge.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
    expect(bridge.runner.active).toBe(0);
  });
});
