import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { conversation, lastUserText, systemText, type ReceivedRequest } from '../support/fake-anthropic.js';
import { apiError, jsonOf } from '../support/http.js';
import { assertResponseStreamEvent, assertSchema } from '../support/openai-schema.js';
import { waitForNoRuns } from '../support/processes.js';
import { postSse } from '../support/sse.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  // A one-second keep-alive, so that a pause mid-stream shows its keep-alive in a test.
  stack = await startStack({ flags: { keepAliveMs: '1' } });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack.fake.reset());

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

/** Every event of a streamed response, each checked against the official schemas. */
async function collect(stream: AsyncIterable<OpenAI.Responses.ResponseStreamEvent>): Promise<OpenAI.Responses.ResponseStreamEvent[]> {
  const events: OpenAI.Responses.ResponseStreamEvent[] = [];
  for await (const event of stream) {
    assertResponseStreamEvent(event);
    events.push(event);
  }
  expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  return events;
}

describe('responses.create', () => {
  test('returns a response object: resp_ id, a message with output_text, status, usage, the model that answered', async () => {
    stack.fake.reply({
      blocks: [{ type: 'text', text: ['Hi ', 'there'] }],
      usage: { input_tokens: 30, cache_read_input_tokens: 7, cache_creation_input_tokens: 5, output_tokens: 9 },
    });
    const res = await stack.openai.responses.create({ model: 'sonnet', input: 'Hello', instructions: 'Be brief.', metadata: { task: 't1' } });
    assertSchema('Response', res);
    expect(res.id).toMatch(/^resp_/);
    expect(res).toMatchObject({ object: 'response', status: 'completed', error: null, incomplete_details: null, metadata: { task: 't1' } });
    expect(res.model).toBe(stack.fake.lastRequest.body.model);
    expect(res.output).toHaveLength(1);
    expect(res.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi there' }] });
    expect(res.output[0]!.id).toMatch(/^msg_/);
    expect(res.output_text).toBe('Hi there');
    expect(res.usage).toEqual({
      input_tokens: 42,
      input_tokens_details: { cached_tokens: 7, cache_write_tokens: 5 },
      output_tokens: 9,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 51,
    });
    expect(systemText(stack.fake.lastRequest.body)).toContain('Be brief.');
    expect(lastUserText(stack.fake.lastRequest.body)).toBe('Hello');
  });

  test('streams the Responses event sequence; the stream helper puts together the stored response', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['One', ' two'] }] });
    const events = await collect(await stack.openai.responses.create({ model: 'sonnet', input: 'count', stream: true }));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const deltas = events.filter((e): e is OpenAI.Responses.ResponseTextDeltaEvent => e.type === 'response.output_text.delta');
    expect(deltas.map((d) => d.delta)).toEqual(['One', ' two']);

    stack.fake.reply({ blocks: [{ type: 'text', text: ['Three', ' four'] }] });
    const stream = stack.openai.responses.stream({ model: 'sonnet', input: 'count on' });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Three four');
    const retrieved = await stack.openai.responses.retrieve(final.id);
    expect(retrieved).toMatchObject({ id: final.id, status: 'completed', model: final.model, usage: final.usage, output_text: 'Three four' });
    expect(retrieved.output.map((item) => item.id)).toEqual(final.output.map((item) => item.id));
  });

  test('a pause mid-stream is bridged by SSE keep-alive comments, which clients skip', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['Slow', ' answer'] }], delayMs: 2500 });
    const res = await postSse(`${stack.baseURL}/responses`, { model: 'sonnet', input: 'take your time', stream: true });
    expect(res.text).toContain(': keep-alive\n\n');
    const types = res.events.map((e) => e.event);
    expect(types.at(-1)).toBe('response.completed');
    for (const e of res.events) expect(JSON.parse(e.data).type).toBe(e.event);
  });

  test('thinking comes back as a reasoning item with a summary, streamed as summary deltas', async () => {
    stack.fake.reply({ blocks: [{ type: 'thinking', thinking: ['Paris is ', 'in France.'] }, { type: 'text', text: 'Paris.' }] });
    const events = await collect(await stack.openai.responses.create({ model: 'sonnet', input: 'Capital?', reasoning: { effort: 'high' }, stream: true }));
    const summary = events.filter((e) => e.type === 'response.reasoning_summary_text.delta').map((e) => (e as { delta: string }).delta);
    expect(summary).toEqual(['Paris is ', 'in France.']);
    const done = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(done.response.output.map((i) => i.type)).toEqual(['reasoning', 'message']);
    expect(done.response.reasoning).toEqual({ effort: 'high', summary: null });
    expect(stack.fake.lastRequest.body.output_config).toMatchObject({ effort: 'high' });
  });

  test('text.format json_schema: the output text is the JSON', async () => {
    stack.fake.setHandler(() => ({
      blocks: [{ type: 'tool_use', name: 'StructuredOutput', input: {}, chunks: ['{"answer": ', '"42"}'] }],
    }));
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
    const res = await stack.openai.responses.create({
      model: 'sonnet',
      input: 'Answer as JSON',
      text: { format: { type: 'json_schema', name: 'answer', schema, strict: true } },
    });
    assertSchema('Response', res);
    expect(JSON.parse(res.output_text)).toEqual({ answer: '42' });
    expect(stack.fake.lastRequest.body.tools!.find((t) => t.name === 'StructuredOutput')!.input_schema).toEqual(schema);
  });
});

describe('stored responses and previous_response_id', () => {
  test('a chained request continues the stored conversation; instructions are not carried over', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: 'Paris.' }] });
    const first = await stack.openai.responses.create({ model: 'sonnet', input: 'Capital of France?', instructions: 'Answer in one word.' });
    assertSchema('Response', first);
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
    const events = await collect(await stack.openai.responses.create({ model: 'sonnet', input: 'Weather in Paris?', tools: [weatherTool], stream: true }));
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

  test('GET returns a stored response, DELETE removes it; store: false keeps nothing', async () => {
    const kept = await stack.openai.responses.create({ model: 'sonnet', input: 'keep me' });
    assertSchema('Response', kept);
    const retrieved = await stack.openai.responses.retrieve(kept.id);
    assertSchema('Response', retrieved);
    expect(retrieved).toEqual(kept);
    const deleted = await fetch(`${stack.baseURL}/responses/${kept.id}`, { method: 'DELETE' });
    expect(await jsonOf(deleted)).toEqual({ id: kept.id, object: 'response.deleted', deleted: true });
    expect(await apiError(stack.openai.responses.retrieve(kept.id))).toMatchObject({ status: 404, code: 'response_not_found' });
    expect(await apiError(stack.openai.responses.delete(kept.id))).toMatchObject({ status: 404 });

    const unstored = await stack.openai.responses.create({ model: 'sonnet', input: 'forget me', store: false });
    assertSchema('Response', unstored);
    expect((unstored as unknown as { store: boolean }).store).toBe(false);
    expect(await apiError(stack.openai.responses.retrieve(unstored.id))).toMatchObject({ status: 404 });
    const requests = stack.fake.messageRequests.length;
    const err = await apiError(stack.openai.responses.create({ model: 'sonnet', previous_response_id: unstored.id, input: 'and?' }));
    expect(err).toMatchObject({ status: 400, code: 'previous_response_not_found', param: 'previous_response_id' });
    expect(stack.fake.messageRequests).toHaveLength(requests);
  });
});

describe('tools as agents declare them', () => {
  const codexTools = [
    { type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } }, strict: false, defer_loading: false },
    {
      type: 'namespace',
      name: 'multi_agent_v1',
      description: 'Tools for sub-agents.',
      tools: [{ type: 'function', name: 'spawn_agent', parameters: { type: 'object', properties: {} }, strict: false }],
    },
    { type: 'custom', name: 'apply_patch', description: 'Edit files with a patch.', format: { type: 'grammar', syntax: 'lark', definition: 'start: "*** Begin Patch" /.+/s' } },
    { type: 'web_search', external_web_access: false },
  ] as unknown as OpenAI.Responses.Tool[];
  const patch = '*** Begin Patch\n*** Add File: hello.txt\n+Hello, "world"\n*** End Patch';

  test('a custom tool call streams its input as text; its output continues the turn Claude is waiting in', async () => {
    const json = JSON.stringify({ input: patch });
    stack.fake.reply({ blocks: [{ type: 'tool_use', id: 'toolu_01P', name: 'mcp__client__apply_patch', input: { input: patch }, chunks: [json.slice(0, 20), json.slice(20, 45), json.slice(45)] }] });
    const { data, response } = await stack.openai.responses.create({ model: 'sonnet', input: 'Add hello.txt', tools: codexTools, store: false, stream: true }).withResponse();
    expect(response.headers.get('x-claude-code-bridge-ignored')).toBe('tools[].defer_loading, tools[].web_search');
    const events = await collect(data);
    const deltas = events.filter((e) => e.type === 'response.custom_tool_call_input.delta').map((e) => (e as { delta: string }).delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(patch);
    const done = (events.at(-1) as OpenAI.Responses.ResponseCompletedEvent).response;
    assertSchema('Response', done);
    const call = done.output[0] as OpenAI.Responses.ResponseCustomToolCall;
    expect(call).toMatchObject({ type: 'custom_tool_call', call_id: 'call_01P', name: 'apply_patch', input: patch });
    expect(call.id).toMatch(/^ctc_/);
    const offered = clientTools(stack.fake.lastRequest);
    expect(offered.map((t) => t.name).sort()).toEqual(['mcp__client__apply_patch', 'mcp__client__exec_command', 'mcp__client__multi_agent_v1__spawn_agent']);
    expect(offered.find((t) => t.name === 'mcp__client__apply_patch')!.input_schema).toMatchObject({ required: ['input'], properties: { input: { type: 'string' } } });

    // As Codex continues (store off): the whole conversation, with the call and its output.
    stack.fake.reply({ blocks: [{ type: 'text', text: 'Added.' }] });
    const answer = await stack.openai.responses.create({
      model: 'sonnet',
      tools: codexTools,
      store: false,
      input: [
        { role: 'user', content: 'Add hello.txt' },
        { type: 'custom_tool_call', call_id: call.call_id, name: 'apply_patch', input: patch },
        { type: 'custom_tool_call_output', call_id: call.call_id, output: 'Success. Updated: A hello.txt' },
      ],
    });
    expect(answer.output_text).toBe('Added.');
    const turns = conversation(stack.fake.lastRequest.body);
    expect(turns[1]!.content).toEqual([{ type: 'tool_use', id: 'toolu_01P', name: 'mcp__client__apply_patch', input: { input: patch } }]);
    expect(turns[2]!.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_01P', content: [{ type: 'text', text: 'Success. Updated: A hello.txt' }] });
  });

  test('a namespaced function comes back with its namespace, and can be sent back so', async () => {
    stack.fake.reply({ blocks: [{ type: 'tool_use', id: 'toolu_01S', name: 'mcp__client__multi_agent_v1__spawn_agent', input: {} }] });
    const first = await stack.openai.responses.create({ model: 'sonnet', input: 'Spawn one.', tools: codexTools, store: false });
    assertSchema('Response', first);
    expect(first.output[0]).toMatchObject({ type: 'function_call', name: 'spawn_agent', namespace: 'multi_agent_v1', call_id: 'call_01S' });
    stack.fake.reply({ blocks: [{ type: 'text', text: 'Spawned.' }] });
    await stack.openai.responses.create({
      model: 'sonnet',
      tools: codexTools,
      store: false,
      input: [
        { role: 'user', content: 'Spawn one.' },
        { type: 'function_call', call_id: 'call_01S', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{}' } as OpenAI.Responses.ResponseInputItem,
        { type: 'function_call_output', call_id: 'call_01S', output: 'agent 7' },
      ],
    });
    expect(conversation(stack.fake.lastRequest.body)[1]!.content).toEqual([
      { type: 'tool_use', id: 'toolu_01S', name: 'mcp__client__multi_agent_v1__spawn_agent', input: {} },
    ]);
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
    const events = await collect(await stack.openai.responses.create({ model: 'sonnet', input: 'hi', stream: true }));
    const last = events.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    expect(last.type).toBe('response.failed');
    expect(last.response.status).toBe('failed');
    expect(last.response.error).toMatchObject({ code: 'server_error' });
    expect(await apiError(stack.openai.responses.retrieve(last.response.id))).toMatchObject({ status: 404 });
    await waitForNoRuns(stack.server.registry);
  });
});
