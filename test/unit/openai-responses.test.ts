import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, test } from 'vitest';
import { BridgeError } from '../../src/errors/bridge-error.js';
import { ResponseEventStream } from '../../src/translate/openai-responses/event-stream.js';
import { responsesRequestSchema } from '../../src/translate/openai-responses/request-schema.js';
import { itemId, responseIdOfItem, type OutputItem } from '../../src/translate/openai-responses/response-object.js';
import { toStoredResponse } from '../../src/translate/openai-responses/stored-response.js';
import { claudeToolName } from '../../src/translate/openai-responses/tool-names.js';
import { toBridgeRequest, type StoredConversation } from '../../src/translate/openai-responses/to-bridge-request.js';
import { assertResponseStreamEvent, assertSchema } from '../support/openai-schema.js';
import { recordedEvents } from '../support/recordings.js';
import { thrownBridgeError } from '../support/thrown.js';

const translate = (body: Record<string, unknown>, previous?: StoredConversation, references?: Map<string, OutputItem>) =>
  toBridgeRequest(responsesRequestSchema.parse(body), { includeThinking: true, previous, references, raw: body });

describe('toBridgeRequest (OpenAI responses)', () => {
  test('a string input is one user turn; instructions are the system prompt', () => {
    const t = translate({ model: 'sonnet', input: 'Hello', instructions: 'Be brief.', temperature: 0.5, store: false });
    expect(t.request.turns).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }]);
    expect(t.request.system).toBe('Be brief.');
    expect(t.store).toBe(false);
    // Sampling goes to Claude's API (which may refuse it: the run says so as it starts).
    expect(t.ignored).toEqual([]);
    expect(t.request.sampling).toEqual({ temperature: expect.any(Number) });
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
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].id', 'item_not_found'],
    [{ input: [{ type: 'local_shell_call', id: 'ls' }] }, 'input[0]', 'unsupported_input_item'],
    [{ input: [{ type: 'custom_tool_call_output', call_id: 'call_x', output: 'a' }] }, 'input[0].call_id', 'unknown_call_id'],
    [{ input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }, 'input[0].content[0]', 'unsupported_content'],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'f', detail: 'auto' }] }] }, 'input[0].content[0]', 'unsupported_content'],
    [{ input: 'x', tools: [{ type: 'function', name: 'f', parameters: 'no' }] }, 'tools[0].parameters', 'invalid_value'],
    [{ input: 'x', tools: [{ type: 'namespace', name: 'ns', tools: [{ type: 'function', name: 'a b' }] }] }, 'tools[0].tools[0].name', 'invalid_function_name'],
    [{ input: 'x', tools: [{ type: 'custom', name: 'c', format: { type: 'grammar' } }] }, 'tools[0].format.syntax', 'invalid_value'],
    // A grammar in a syntax OpenAI's API does not define.
    [{ input: 'x', tools: [{ type: 'custom', name: 'c', format: { type: 'grammar', syntax: 'ebnf', definition: 'x' } }] }, 'tools[0].format.syntax', 'invalid_value'],
    [{ input: 'x', tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search_preview' } }, 'tool_choice', 'invalid_tool_choice'],
    [{ input: 'x', tool_choice: { type: 'custom', name: 'nope' } }, 'tool_choice.name', 'invalid_tool_choice'],
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

describe('tools as Codex and other agents declare them', () => {
  const weather = { type: 'object', properties: { city: { type: 'string' } } };
  const codexLike = {
    input: 'Go.',
    tools: [
      { type: 'function', name: 'exec_command', parameters: weather, strict: false, defer_loading: true, output_schema: { type: 'object' } },
      {
        type: 'namespace',
        name: 'multi_agent_v1',
        description: 'Tools for sub-agents.',
        tools: [{ type: 'function', name: 'spawn_agent', description: 'Start one.', parameters: weather, strict: false }],
      },
      { type: 'namespace', name: 'mcp__github__', description: '', tools: [{ type: 'function', name: 'create_issue', parameters: weather, strict: false }] },
      { type: 'custom', name: 'apply_patch', description: 'Patch files.', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } },
      { type: 'web_search', external_web_access: false },
      { type: 'image_generation' },
    ],
    client_metadata: { session_id: 's' },
  };

  test('namespaced functions get one flat name each; custom tools take one string; hosted tools are left out and named', () => {
    const t = translate(codexLike);
    expect(t.request.tools.map((tool) => tool.name)).toEqual(['exec_command', 'multi_agent_v1__spawn_agent', 'mcp__github__create_issue', 'apply_patch']);
    const spawn = t.request.tools[1]!;
    expect(spawn.description).toBe('Tools for sub-agents.\n\nStart one.');
    expect(spawn.parameters).toEqual(weather);
    const patch = t.request.tools[3]!;
    expect(patch.parameters).toMatchObject({ type: 'object', required: ['input'], properties: { input: { type: 'string' } } });
    expect(JSON.stringify(patch.parameters)).toContain('start: \\"x\\"');
    expect([...t.tools]).toEqual([
      ['exec_command', { name: 'exec_command', kind: 'function' }],
      ['multi_agent_v1__spawn_agent', { name: 'spawn_agent', namespace: 'multi_agent_v1', kind: 'function' }],
      ['mcp__github__create_issue', { name: 'create_issue', namespace: 'mcp__github__', kind: 'function' }],
      ['apply_patch', { name: 'apply_patch', kind: 'custom' }],
    ]);
    expect(t.ignored).toEqual(['client_metadata', 'tools[].defer_loading', 'tools[].image_generation', 'tools[].output_schema', 'tools[].web_search']);
  });

  test('the response repeats the tools Claude was offered, each valid against the official schema; hosted ones are left out', () => {
    const t = translate(codexLike);
    const stream = new ResponseEventStream({ id: 'resp_t', createdAt: 1, settings: t.settings, includeThinking: true, tools: t.tools });
    stream.push({ type: 'start', model: 'claude-sonnet-5-5' });
    stream.push({ type: 'text', text: 'ok' });
    stream.push({ type: 'end', stopReason: 'end_turn', stopSequence: null, usage: { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } });
    assertSchema('Response', stream.response());
    expect(stream.response().tools.map((tool) => tool.type)).toEqual(['function', 'namespace', 'namespace', 'custom']);
  });

  test('what the response repeats is in OpenAI\'s own terms, whatever loose form the request took', () => {
    const t = translate({
      input: 'x',
      tools: [
        { type: 'namespace', name: 'ns', tools: [{ type: 'function', name: 'f', parameters: weather }] },
        { type: 'custom', name: 'c', description: null, format: null },
        { type: 'not_a_tool_openai_knows', setting: 1 },
      ],
      tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'custom', name: 'c' }] },
      reasoning: { effort: 'max', summary: 'verbose' },
    });
    const stream = new ResponseEventStream({ id: 'resp_t', createdAt: 1, settings: t.settings, includeThinking: true, tools: t.tools });
    stream.push({ type: 'start', model: 'claude-sonnet-5-5' });
    stream.push({ type: 'end', stopReason: 'end_turn', stopSequence: null, usage: { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } });
    const response = stream.response();
    assertSchema('Response', response);
    expect(response.tools).toEqual([
      { type: 'namespace', name: 'ns', description: '', tools: [{ type: 'function', name: 'f', parameters: weather }] },
      { type: 'custom', name: 'c' },
    ]);
    expect(response.tool_choice).toEqual({ type: 'allowed_tools', mode: 'auto', tools: [{ type: 'custom', name: 'c' }] });
    // A summary OpenAI does not define was taken (and named as ignored), and is not repeated as if it were one.
    expect(response.reasoning).toEqual({ effort: 'max', summary: null });
    expect(t.ignored).toEqual(['reasoning.summary', 'tools[].not_a_tool_openai_knows']);
  });

  test('a call of a namespaced function names its namespace; a custom tool call streams its input as text', () => {
    const t = translate(codexLike);
    const stream = new ResponseEventStream({ id: 'resp_t', createdAt: 1, settings: t.settings, includeThinking: true, tools: t.tools });
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+héllo "quoted" \\ tab\t😀\n*** End Patch';
    const json = JSON.stringify({ input: patch });
    // Pieces cut inside the escapes and between the two halves of the emoji.
    const cuts = [3, 11, json.indexOf('\\"') + 1, json.indexOf('\\t') + 1, json.indexOf('😀') + 1, json.length - 2];
    const pieces = [0, ...cuts].map((from, i, all) => json.slice(from, all[i + 1] ?? json.length));
    const events = [
      ...stream.push({ type: 'start', model: 'claude-sonnet-5-5' }),
      ...stream.push({ type: 'tool_call_start', index: 0, id: 'toolu_01A', name: 'multi_agent_v1__spawn_agent' }),
      ...stream.push({ type: 'tool_call_delta', index: 0, argumentsDelta: '{"city":"Oslo"}' }),
      ...stream.push({ type: 'tool_call_start', index: 1, id: 'toolu_01B', name: 'apply_patch' }),
      ...pieces.flatMap((piece) => stream.push({ type: 'tool_call_delta', index: 1, argumentsDelta: piece })),
      ...stream.push({ type: 'end', stopReason: 'tool_use', stopSequence: null, usage: { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } }),
    ];
    for (const event of events) assertResponseStreamEvent(event);
    const [call, custom] = stream.response().output;
    expect(call).toMatchObject({ type: 'function_call', name: 'spawn_agent', namespace: 'multi_agent_v1', call_id: 'call_01A', arguments: '{"city":"Oslo"}' });
    expect(custom).toEqual({ type: 'custom_tool_call', id: expect.stringMatching(/^ctc_/), call_id: 'call_01B', name: 'apply_patch', input: patch });
    const deltas = events.filter((e) => e.type === 'response.custom_tool_call_input.delta').map((e) => e.delta as string);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(patch);
    // No delta ends or starts with half a character.
    expect(deltas.some((d) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(d))).toBe(false);
    expect(events.find((e) => e.type === 'response.custom_tool_call_input.done')).toMatchObject({ input: patch });
    let snapshot: ReturnType<typeof accumulateResponse> | undefined;
    for (const event of events) snapshot = accumulateResponse(event as unknown as ResponseStreamEvent, snapshot);
    expect((snapshot as unknown as { output: unknown[] }).output).toEqual(stream.response().output);
  });

  test('history: namespaced and custom calls go back to Claude under the names Claude knows, with their outputs', () => {
    const t = translate({
      input: [
        { role: 'user', content: 'Go.' },
        { type: 'function_call', call_id: 'call_1', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{}' },
        { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch' },
        { type: 'function_call_output', call_id: 'call_1', output: 'started' },
        { type: 'custom_tool_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'patched' }] },
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'x' } },
      ],
    });
    expect(t.request.turns.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'multi_agent_v1__spawn_agent', input: {} },
          { type: 'tool_use', id: 'call_2', name: 'apply_patch', input: { input: '*** Begin Patch' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: 'started' }] },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: 'patched' }] },
        ],
      },
    ]);
    expect(t.ignored).toEqual(['input[].web_search_call']);
  });

  test('item references are replaced by the stored items they name', () => {
    const responseId = `resp_${'ab'.repeat(24)}`;
    const message: OutputItem = { type: 'message', id: itemId('msg', responseId, 0), status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Let me look.', annotations: [], logprobs: [] }] };
    const call: OutputItem = { type: 'function_call', id: itemId('fc', responseId, 1), call_id: 'call_7', name: 'lookup', arguments: '{"q":1}', status: 'completed' };
    const reasoning: OutputItem = { type: 'reasoning', id: itemId('rs', responseId, 2), summary: [], status: 'completed' };
    expect(responseIdOfItem(call.id)).toBe(responseId);
    const references = new Map([message, call, reasoning].map((item) => [item.id, item]));
    const t = translate(
      {
        input: [
          { role: 'user', content: 'Find it.' },
          { type: 'item_reference', id: reasoning.id },
          { type: 'item_reference', id: message.id },
          { id: call.id },
          { type: 'function_call_output', call_id: 'call_7', output: 'found' },
        ],
      },
      undefined,
      references,
    );
    expect(t.request.turns[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'call_7', name: 'lookup', input: { q: 1 } },
      ],
    });
    expect(t.ignored).toEqual(['input[].reasoning']);
  });

  test('tool_choice can name a custom tool or a namespaced function; allowed hosted tools change nothing', () => {
    expect(translate({ ...codexLike, tool_choice: { type: 'custom', name: 'apply_patch' } }).request.toolChoice).toEqual({ type: 'function', name: 'apply_patch' });
    expect(translate({ ...codexLike, tool_choice: { type: 'function', name: 'spawn_agent' } }).request.toolChoice).toEqual({
      type: 'function',
      name: 'multi_agent_v1__spawn_agent',
    });
    const allowed = translate({
      ...codexLike,
      tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'exec_command' }, { type: 'web_search' }] },
    });
    expect(allowed.request.tools.map((tool) => tool.name)).toEqual(['exec_command']);
  });

  test('names: a namespace and its function joined once; too long a name cut and kept unique', () => {
    expect(claudeToolName('f')).toBe('f');
    expect(claudeToolName('create_issue', 'mcp__github__')).toBe('mcp__github__create_issue');
    expect(claudeToolName('find', 'crm')).toBe('crm__find');
    const long = claudeToolName('a_rather_long_tool_name_for_testing', 'mcp__some_server_name__');
    const other = claudeToolName('a_rather_long_tool_name_for_testing_too', 'mcp__some_server_name__');
    expect(long).toHaveLength(51);
    expect(long).not.toBe(other);
    expect(claudeToolName('a_rather_long_tool_name_for_testing', 'mcp__some_server_name__')).toBe(long);
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
