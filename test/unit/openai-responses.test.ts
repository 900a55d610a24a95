import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, test } from 'vitest';
import { BridgeError } from '../../src/errors/bridge-error.js';
import { ResponseEventStream } from '../../src/translate/openai-responses/event-stream.js';
import { responsesRequestSchema } from '../../src/translate/openai-responses/request-schema.js';
import { toStoredResponse } from '../../src/translate/openai-responses/stored-response.js';
import { toBridgeRequest, type StoredConversation } from '../../src/translate/openai-responses/to-bridge-request.js';
import { assertResponseStreamEvent, assertSchema } from '../support/openai-schema.js';
import { recordedEvents } from '../support/recordings.js';
import { thrownBridgeError } from '../support/thrown.js';

const translate = (body: Record<string, unknown>, previous?: StoredConversation) =>
  toBridgeRequest(responsesRequestSchema.parse(body), { includeThinking: true, previous });

describe('toBridgeRequest (OpenAI responses)', () => {
  test('a string input is one user turn; instructions are the system prompt', () => {
    const t = translate({ model: 'sonnet', input: 'Hello', instructions: 'Be brief.', temperature: 0.5, store: false });
    expect(t.request.turns).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }]);
    expect(t.request.system).toBe('Be brief.');
    expect(t.store).toBe(false);
    expect(t.ignored).toEqual(['temperature']);
    expect(t.settings).toMatchObject({ instructions: 'Be brief.', store: false, tool_choice: 'auto', tools: [], text: { format: { type: 'text' } } });
  });

  test('items: messages of every role, function calls and their outputs, images', () => {
    const t = translate({
      input: [
        { role: 'developer', content: 'Use tools.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'function_call_output', call_id: 'call_1', output: 'cold' },
      ],
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true }],
    });
    expect(t.request.system).toBe('Use tools.');
    expect(t.request.turns).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather?' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: 'cold' }] }] },
    ]);
    expect(t.ignored).toEqual(['input[].reasoning', 'tools[].strict']);
    expect(t.settings.tools).toEqual([
      { type: 'function', name: 'get_weather', description: null, parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true },
    ]);
  });

  test('a previous conversation comes first, keeps its system messages, not its instructions', () => {
    const previous: StoredConversation = {
      system: ['Old developer message.'],
      turns: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_9', name: 'get_weather', input: {} }] },
      ],
    };
    const t = translate({ instructions: 'New instructions.', input: [{ type: 'function_call_output', call_id: 'call_9', output: 'warm' }] }, previous);
    expect(t.request.system).toBe('New instructions.\n\nOld developer message.');
    expect(t.request.turns).toHaveLength(3);
    expect(t.conversation.system).toEqual(['Old developer message.']);
  });

  test('reasoning effort, output format and limits', () => {
    const t = translate({
      input: 'x',
      reasoning: { effort: 'minimal', summary: 'auto' },
      text: { format: { type: 'json_schema', name: 'a', schema: { type: 'object' } } },
      max_output_tokens: 64,
      parallel_tool_calls: false,
    });
    expect(t.request).toMatchObject({ effort: 'low', maxOutputTokens: 64, parallelToolCalls: false, outputFormat: { type: 'json_schema', name: 'a', schema: { type: 'object' } } });
    expect(t.ignored).toContain('reasoning.summary');
    expect(translate({ input: 'x', reasoning: { effort: 'none' } }).request.thinking).toBe('off');
  });

  test.each([
    [{ input: [{ type: 'function_call_output', call_id: 'call_x', output: 'a' }] }, 'input[0].call_id', 'unknown_call_id'],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]', 'unsupported_input_item'],
    [{ input: [{ type: 'web_search_call', id: 'ws' }] }, 'input[0]', 'unsupported_input_item'],
    [{ input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }, 'input[0].content[0]', 'unsupported_content'],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'f', detail: 'auto' }] }] }, 'input[0].content[0]', 'unsupported_content'],
    [{ input: 'x', tools: [{ type: 'web_search' }] }, 'tools[0].type', 'unsupported_tool_type'],
    [{ input: 'x', tools: [{ type: 'function', name: 'f', parameters: 'no' }] }, 'tools[0].parameters', 'invalid_value'],
    [{ input: 'x', tool_choice: { type: 'file_search' } }, 'tool_choice', 'invalid_tool_choice'],
    [{ input: 'x', tool_choice: 'required' }, 'tool_choice', 'invalid_tool_choice'],
    [{ input: 'x', background: true }, 'background', 'unsupported_parameter'],
    [{ input: 'x', conversation: 'conv_1' }, 'conversation', 'unsupported_parameter'],
    [{ input: 'x', reasoning: { effort: 'huge' } }, 'reasoning.effort', 'invalid_value'],
    [{ input: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y' }] }, 'input[1]', 'conversation_ends_with_assistant'],
    [{}, 'input', null],
  ])('refuses %j', (body, param, code) => {
    expect(thrownBridgeError(() => translate(body))).toMatchObject({ status: 400, param, code });
  });
});

const settings = translate({ input: 'x' }).settings;

describe.each(['text', 'thinking-text', 'tool-calls', 'max-tokens'])('events of recorded run %s', (name) => {
  const stream = new ResponseEventStream({ id: 'resp_test', createdAt: 1_700_000_000, settings, includeThinking: true });
  const events = recordedEvents(name, { clientToolsOffered: name === 'tool-calls' }).flatMap((e) => stream.push(e));

  test('every event and the response validate against the official schemas', () => {
    for (const event of events) assertResponseStreamEvent(event);
    assertSchema('Response', stream.response());
  });

  test('sequence numbers count up from 0; created and in_progress open, completed or incomplete closes', () => {
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['response.created', 'response.in_progress']);
    expect(['response.completed', 'response.incomplete']).toContain(events.at(-1)!.type);
  });

  test("the openai package's accumulator rebuilds the final response from the events", () => {
    let snapshot: ReturnType<typeof accumulateResponse> | undefined;
    for (const event of events) snapshot = accumulateResponse(event as unknown as ResponseStreamEvent, snapshot);
    const { output_text: _text, ...rebuilt } = snapshot as unknown as Record<string, unknown>;
    expect(rebuilt).toEqual(stream.response());
  });
});

test('tool calls become function_call items with call_ ids and the client names', () => {
  const stream = new ResponseEventStream({ id: 'resp_t', createdAt: 1, settings, includeThinking: true });
  recordedEvents('tool-calls', { clientToolsOffered: true }).forEach((e) => stream.push(e));
  const calls = stream.response().output.filter((item) => item.type === 'function_call');
  expect(calls.map((c) => [c.call_id, c.name, c.arguments, c.status])).toEqual([
    ['call_01A', 'get_weather', '{"city":"Paris"}', 'completed'],
    ['call_01B', 'get_time', '{"tz":"CET"}', 'completed'],
  ]);
  expect(calls.every((c) => c.id.startsWith('fc_'))).toBe(true);
});

test('thinking becomes a reasoning item with a summary; the output limit makes the response incomplete', () => {
  const stream = new ResponseEventStream({ id: 'resp_t', createdAt: 1, settings, includeThinking: true });
  recordedEvents('thinking-text').forEach((e) => stream.push(e));
  const [reasoning, message] = stream.response().output;
  expect(reasoning).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Let me think.' }], status: 'completed' });
  expect(reasoning!.id).toMatch(/^rs_/);
  expect(message).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'Answer.' }] });

  const cut = new ResponseEventStream({ id: 'resp_t', createdAt: 1, settings, includeThinking: true });
  recordedEvents('max-tokens').forEach((e) => cut.push(e));
  expect(cut.response()).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, completed_at: null });
});

test('a failure after the start ends the stream with response.failed, valid against the schema', () => {
  const stream = new ResponseEventStream({ id: 'resp_t', createdAt: 1, settings, includeThinking: true });
  stream.push({ type: 'start', model: 'claude-sonnet-5-5' });
  stream.push({ type: 'text', text: 'Half an ans' });
  const [failed] = stream.fail(new BridgeError('timeout', 'Claude Code produced no output for 120 s.', { code: 'idle_timeout' }));
  assertResponseStreamEvent(failed!);
  expect(failed).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error' } } });
  expect(stream.response().output[0]).toMatchObject({ status: 'incomplete', content: [{ text: 'Half an ans' }] });
});

test('what is stored continues the conversation: the answer as an assistant turn under the call ids the client saw', () => {
  const stream = new ResponseEventStream({ id: 'resp_t', createdAt: 1, settings, includeThinking: true });
  recordedEvents('tool-calls', { clientToolsOffered: true }).forEach((e) => stream.push(e));
  const conversation = { system: [], turns: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Weather?' }] }] };
  const stored = toStoredResponse(stream.response(), conversation);
  const answer = stored.conversation.turns[1]!;
  expect(answer.role).toBe('assistant');
  expect(answer.content.filter((b) => b.type === 'tool_use')).toEqual([
    { type: 'tool_use', id: 'call_01A', name: 'get_weather', input: { city: 'Paris' } },
    { type: 'tool_use', id: 'call_01B', name: 'get_time', input: { tz: 'CET' } },
  ]);
});
