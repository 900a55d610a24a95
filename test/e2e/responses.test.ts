import type OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { conversation, lastUserText, systemText, type ReceivedRequest } from '../support/fake-anthropic.js';
import { apiError } from '../support/http.js';
import { assertSchema, eventsOf } from '../support/openai-schema.js';
import { waitForNoRuns } from '../support/processes.js';
import { useStack } from '../support/stack.js';
import { CODEX_PATCH, CODEX_TOOLS } from '../support/codex-tools.js';

// What reaches Claude through the Responses API (instructions, history,
// previous_response_id, tool outputs, custom and namespaced tools, item
// references), with one real answer of each kind. How recorded runs come back
// (the event sequence, keep-alives, reasoning items, custom and namespaced
// calls, text.format json_schema) and the store's GET, DELETE and store: false are checked without
// Claude Code in test/inmemory/responses.test.ts.
const stack = useStack();

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

function clientTools(request: ReceivedRequest) {
  return (request.body.tools ?? []).filter((t) => t.name.startsWith('mcp__client__'));
}

describe('stored responses and previous_response_id', () => {
  test('returns a response object (resp_ id, a message with output_text, usage, the model that answered); a chained request continues the stored conversation, without the instructions', async () => {
    stack.fake.reply({
      blocks: [{ type: 'text', text: ['Par', 'is.'] }],
      usage: { input_tokens: 30, cache_read_input_tokens: 7, cache_creation_input_tokens: 5, output_tokens: 9 },
    });
    const first = await stack.openai.responses.create({ model: 'sonnet', input: 'Capital of France?', instructions: 'Answer in one word.', metadata: { task: 't1' } });
    assertSchema('Response', first);
    expect(first.id).toMatch(/^resp_/);
    expect(first).toMatchObject({ object: 'response', status: 'completed', error: null, incomplete_details: null, metadata: { task: 't1' } });
    expect(first.model).toBe(stack.fake.lastRequest.body.model);
    expect(first.output).toHaveLength(1);
    expect(first.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Paris.' }] });
    expect(first.output[0]!.id).toMatch(/^msg_/);
    expect(first.output_text).toBe('Paris.');
    expect(first.usage).toEqual({
      input_tokens: 42,
      input_tokens_details: { cached_tokens: 7, cache_write_tokens: 5 },
      output_tokens: 9,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 51,
    });
    expect(systemText(stack.fake.lastRequest.body)).toContain('Answer in one word.');
    expect(lastUserText(stack.fake.lastRequest.body)).toBe('Capital of France?');

    stack.fake.reply({ blocks: [{ type: 'text', text: 'About two million.' }] });
    const second = await stack.openai.responses.create({ model: 'sonnet', previous_response_id: first.id, input: 'Population?' });
    assertSchema('Response', second);
    expect(second.previous_response_id).toBe(first.id);
    expect(second.output_text).toBe('About two million.');
    const turns = conversation(stack.fake.lastRequest.body);
    // Cache markers aside (Claude Code puts its breakpoint on the last message).
    expect(turns.map((t) => [t.role, t.content.map(({ cache_control: _c, ...block }) => block)])).toEqual([
      ['user', [{ type: 'text', text: 'Capital of France?' }]],
      ['assistant', [{ type: 'text', text: 'Paris.' }]],
      ['user', [{ type: 'text', text: 'Population?' }]],
    ]);
    expect(systemText(stack.fake.lastRequest.body)).not.toContain('Answer in one word.');
  });

  test('function tools round trip: function_call items, then function_call_output through previous_response_id', async () => {
    stack.fake.reply({
      blocks: [{ type: 'tool_use', id: 'toolu_01W', name: 'mcp__client__get_weather', input: { city: 'Paris' }, chunks: ['{"city":', ' "Paris"}'] }],
    });
    const events = await eventsOf(await stack.openai.responses.create({ model: 'sonnet', input: 'Weather in Paris?', tools: [weatherTool], stream: true }));
    const argDeltas = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => (e as { delta: string }).delta);
    expect(argDeltas).toEqual(['{"city":', ' "Paris"}']);
    const first = (events.at(-1) as OpenAI.Responses.ResponseCompletedEvent).response;
    assertSchema('Response', first);
    const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ type: 'function_call', call_id: 'call_01W', name: 'get_weather', arguments: '{"city": "Paris"}', status: 'completed' });
    expect(call.id).toMatch(/^fc_/);
    expect(first.tools).toEqual([{ ...weatherTool }]);
    expect(clientTools(stack.fake.lastRequest).map((t) => [t.name, t.input_schema])).toEqual([['mcp__client__get_weather', weatherTool.parameters]]);

    stack.fake.reply({ blocks: [{ type: 'text', text: 'Sunny in Paris.' }] });
    const answer = await stack.openai.responses.create({
      model: 'sonnet',
      previous_response_id: first.id,
      tools: [weatherTool],
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny, 25C' }],
    });
    assertSchema('Response', answer);
    expect(answer.output_text).toBe('Sunny in Paris.');
    // The call's process was kept waiting for the output: Claude's turn goes on with its own call id.
    expect(stack.server.runner.origins.live).toBeGreaterThan(0);
    const turns = conversation(stack.fake.lastRequest.body);
    expect(turns[1]!.content).toEqual([{ type: 'tool_use', id: 'toolu_01W', name: 'mcp__client__get_weather', input: { city: 'Paris' } }]);
    const { cache_control: _cache, ...result } = turns[2]!.content[0]!;
    expect(result).toEqual({ type: 'tool_result', tool_use_id: 'toolu_01W', content: [{ type: 'text', text: 'sunny, 25C' }] });
  });

});

describe('tools as agents declare them', () => {

  test('custom and namespaced calls sent back with their outputs reach Claude as tool_use and tool_result blocks under their tool names', async () => {
    // How such calls come back is checked without Claude Code (test/inmemory/responses.test.ts).
    // As Codex continues (store off): the whole conversation, with each call and its output.
    stack.fake.reply({ blocks: [{ type: 'text', text: 'Added.' }] });
    const answer = await stack.openai.responses.create({
      model: 'sonnet',
      tools: CODEX_TOOLS,
      store: false,
      input: [
        { role: 'user', content: 'Add hello.txt' },
        { type: 'custom_tool_call', call_id: 'call_01P', name: 'apply_patch', input: CODEX_PATCH },
        { type: 'custom_tool_call_output', call_id: 'call_01P', output: 'Success. Updated: A hello.txt' },
        { type: 'function_call', call_id: 'call_01S', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{}' } as OpenAI.Responses.ResponseInputItem,
        { type: 'function_call_output', call_id: 'call_01S', output: 'agent 7' },
      ],
    });
    expect(answer.output_text).toBe('Added.');
    const offered = clientTools(stack.fake.lastRequest);
    expect(offered.map((t) => t.name).sort()).toEqual(['mcp__client__apply_patch', 'mcp__client__exec_command', 'mcp__client__multi_agent_v1__spawn_agent']);
    expect(offered.find((t) => t.name === 'mcp__client__apply_patch')!.input_schema).toMatchObject({ required: ['input'], properties: { input: { type: 'string' } } });
    const turns = conversation(stack.fake.lastRequest.body);
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(turns[1]!.content).toEqual([{ type: 'tool_use', id: 'toolu_01P', name: 'mcp__client__apply_patch', input: { input: CODEX_PATCH } }]);
    expect(turns[2]!.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_01P', content: [{ type: 'text', text: 'Success. Updated: A hello.txt' }] });
    expect(turns[3]!.content).toEqual([{ type: 'tool_use', id: 'toolu_01S', name: 'mcp__client__multi_agent_v1__spawn_agent', input: {} }]);
    expect(turns[4]!.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_01S', content: [{ type: 'text', text: 'agent 7' }] });
  });

  test('item references name items of stored responses; an unknown one is a 400 naming it', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_01R', name: 'mcp__client__get_weather', input: { city: 'Oslo' } }] });
    const first = await stack.openai.responses.create({ model: 'sonnet', input: 'Weather in Oslo?', tools: [weatherTool] });
    const [message, call] = first.output as [OpenAI.Responses.ResponseOutputMessage, OpenAI.Responses.ResponseFunctionToolCall];
    stack.fake.reply({ blocks: [{ type: 'text', text: 'Cold in Oslo.' }] });
    const second = await stack.openai.responses.create({
      model: 'sonnet',
      tools: [weatherTool],
      input: [
        { role: 'user', content: 'Weather in Oslo?' },
        { type: 'item_reference', id: message.id },
        { type: 'item_reference', id: call.id! },
        { type: 'function_call_output', call_id: call.call_id, output: '-5C' },
      ],
    });
    expect(second.output_text).toBe('Cold in Oslo.');
    const turns = conversation(stack.fake.lastRequest.body);
    expect(turns[1]!.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_01R', name: 'mcp__client__get_weather', input: { city: 'Oslo' } },
    ]);
    const requests = stack.fake.messageRequests.length;
    const missing = `fc_${'0'.repeat(52)}`;
    expect(
      await apiError(stack.openai.responses.create({ model: 'sonnet', input: [{ role: 'user', content: 'x' }, { type: 'item_reference', id: missing }] })),
    ).toMatchObject({ status: 400, code: 'item_not_found', param: 'input[1].id', message: expect.stringContaining(missing) });
    expect(stack.fake.messageRequests).toHaveLength(requests);
  });
});

describe('errors', () => {
  test('a failure after the stream started ends it with response.failed', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['Hello', ' there', ' friend'] }], cutAfterEvents: 4, delayMs: 300 });
    const events = await eventsOf(await stack.openai.responses.create({ model: 'sonnet', input: 'hi', stream: true }));
    const last = events.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    expect(last.type).toBe('response.failed');
    expect(last.response.status).toBe('failed');
    expect(last.response.error).toMatchObject({ code: 'server_error' });
    expect(await apiError(stack.openai.responses.retrieve(last.response.id))).toMatchObject({ status: 404 });
    await waitForNoRuns(stack.server.registry);
  });
});
