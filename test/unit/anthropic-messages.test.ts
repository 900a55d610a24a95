import { describe, expect, test } from 'vitest';
import { BridgeError } from '../../src/errors/bridge-error.js';
import { toAnthropicErrorBody, wireStatus } from '../../src/errors/wire-errors.js';
import { AnthropicMessageStream, type AnthropicStreamEvent } from '../../src/translate/anthropic-messages/message-stream.js';
import { anthropicCountTokensRequestSchema, anthropicMessagesRequestSchema } from '../../src/translate/anthropic-messages/request-schema.js';
import { toBridgeRequest } from '../../src/translate/anthropic-messages/to-bridge-request.js';
import { estimateInputTokens } from '../../src/translate/anthropic-messages/token-estimate.js';
import { recordedEvents } from '../support/recordings.js';
import { thrownBridgeError } from '../support/thrown.js';
import { noisePng } from '../support/png.js';

const PNG_BASE64 = noisePng(4, 4).toString('base64');

const translate = (body: Record<string, unknown>, includeThinking = true) => {
  const raw = { max_tokens: 1024, ...body };
  return toBridgeRequest(anthropicMessagesRequestSchema.parse(raw), { includeThinking, raw });
};

describe('toBridgeRequest (Anthropic messages)', () => {
  test('system (string, blocks, system-role messages), history, limits and stop sequences', () => {
    const { request, stream, ignored } = translate({
      model: 'claude-sonnet-4-5',
      system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Be kind.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] },
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: [{ type: 'text', text: 'How are you?' }] },
      ],
      max_tokens: 300,
      stop_sequences: ['END', ''],
      stream: true,
      temperature: 0.2,
      top_k: 5,
      metadata: { user_id: 'u-1' },
    });
    expect(request.system).toBe('Be brief.\n\nBe kind.\n\nAnswer in French.');
    expect(request.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    expect(request.maxOutputTokens).toBe(300);
    expect(request.stop).toEqual(['END']);
    expect(stream).toBe(true);
    expect(request.sampling).toEqual({ temperature: 0.2, topK: 5 });
    expect(ignored).toEqual(['cache_control', 'metadata']);
  });

  test('tool_use and tool_result blocks become the same blocks; images are checked', () => {
    const { request } = translate({
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      messages: [
        { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } }, { type: 'text', text: 'Weather?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'cold', is_error: false }] },
      ],
    });
    expect(request.tools).toEqual([{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]);
    expect(request.turns[0]!.content[0]).toMatchObject({ type: 'image', source: { type: 'base64', media_type: 'image/png' } });
    expect(request.turns[1]!.content).toEqual([{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }]);
    expect(request.turns[2]!.content).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'cold' }] }]);
  });

  test.each([
    [{ tool_choice: { type: 'any' } }, { type: 'required' }, true],
    [{ tool_choice: { type: 'tool', name: 't', disable_parallel_tool_use: true } }, { type: 'function', name: 't' }, false],
    [{ tool_choice: { type: 'auto', disable_parallel_tool_use: true } }, { type: 'auto' }, false],
    [{ tool_choice: { type: 'none' } }, { type: 'none' }, true],
  ])('tool_choice %j', (body, choice, parallel) => {
    const { request } = translate({ ...body, tools: [{ name: 't', input_schema: { type: 'object' } }], messages: [{ role: 'user', content: 'x' }] });
    expect(request.toolChoice).toEqual(choice);
    expect(request.parallelToolCalls).toBe(parallel);
    expect(request.tools).toHaveLength(choice.type === 'none' ? 0 : 1);
  });

  test('thinking: returned only when asked for; disabled runs at low effort unless an effort is given; budgets have no effect', () => {
    const messages = [{ role: 'user', content: 'x' }];
    expect(translate({ messages }).request).toMatchObject({ includeThinking: false, thinking: 'default', effort: undefined });
    expect(translate({ messages, thinking: { type: 'adaptive' } }).request.includeThinking).toBe(true);
    expect(translate({ messages, thinking: { type: 'adaptive' } }, false).request.includeThinking).toBe(false);
    const enabled = translate({ messages, thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(enabled.request.includeThinking).toBe(true);
    expect(enabled.ignored).toContain('thinking.budget_tokens');
    expect(translate({ messages, thinking: { type: 'disabled' } }).request).toMatchObject({ thinking: 'off', effort: 'low', includeThinking: false });
    expect(translate({ messages, thinking: { type: 'disabled' }, output_config: { effort: 'high' } }).request.effort).toBe('high');
  });

  test('output_config.format asks for structured output', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const { request } = translate({ messages: [{ role: 'user', content: 'x' }], output_config: { format: { type: 'json_schema', schema } } });
    expect(request.outputFormat).toEqual({ type: 'json_schema', schema });
  });

  test('thinking blocks in history are left out and reported', () => {
    const { request, ignored } = translate({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'redacted_thinking', data: 'xx' }, { type: 'text', text: 'b' }] },
        { role: 'user', content: 'c' },
      ],
    });
    expect(request.turns[1]!.content).toEqual([{ type: 'text', text: 'b' }]);
    expect(ignored).toEqual(['messages[].content[].redacted_thinking', 'messages[].content[].thinking']);
  });

  test.each([
    [{ messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] }, 'messages[0].content[0]', 'unsupported_content'],
    [{ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }] }, 'messages[0].content[0].source', 'unsupported_content'],
    [{ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'AAAA' } }] }] }, 'messages[0].content[0].source', 'invalid_image_format'],
    [{ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'nope' }] }] }, 'messages[0].content[0].tool_use_id', 'unknown_tool_use_id'],
    [{ messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'b', input: {} }] }] }, 'messages[0].content[0]', 'invalid_content'],
    [{ messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'bash_20250124', name: 'bash' }] }, 'tools[0].type', 'unsupported_tool_type'],
    [{ messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'bad name', input_schema: { type: 'object' } }] }, 'tools[0].name', 'invalid_function_name'],
    [{ messages: [{ role: 'user', content: 'x' }], tool_choice: { type: 'tool', name: 'missing' } }, 'tool_choice.name', 'invalid_tool_choice'],
    [{ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: '{' }] }, 'messages[1]', 'conversation_ends_with_assistant'],
    [{ messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }], tool_choice: { type: 'tool', name: 'web_search' } }, 'tool_choice.name', 'invalid_tool_choice'],
  ])('refuses %j', (body, param, code) => {
    expect(thrownBridgeError(() => translate(body))).toMatchObject({ status: 400, param, code });
  });

  test('what Claude Code sends as a client is accepted: its billing line left out, the rest named when it has no effect', () => {
    const { request, ignored } = translate({
      model: 'claude-opus-5-5',
      system: [
        { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332.e2a; cc_entrypoint=sdk-cli;' },
        { type: 'text', text: "You are a Claude agent, built on Anthropic's Claude Agent SDK.", cache_control: { type: 'ephemeral' } },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Run it.' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'ToolSearch', input: { query: 'x' } }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'tool_reference', tool_name: 'Bash' }, { type: 'text', text: 'loaded' }] }],
        },
      ],
      tools: [
        { name: 'Bash', description: 'Run a command.', input_schema: { type: 'object', properties: {} } },
        { name: 'DeferredToolPlaceholder', description: 'x', input_schema: { type: 'object' }, defer_loading: true, eager_input_streaming: true },
        { name: 'ToolSearch', description: 'Find tools.', input_schema: { type: 'object' } },
        { type: 'web_search_20250305', name: 'web_search', max_uses: 8 },
      ],
      thinking: { type: 'adaptive', display: 'updates' },
      context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
      output_config: { effort: 'medium' },
      metadata: { user_id: '{"device_id":"d"}' },
      mcp_servers: [{ type: 'url', url: 'https://mcp.example.com', name: 'm' }],
      stream: true,
    });
    expect(request.system).toBe("You are a Claude agent, built on Anthropic's Claude Agent SDK.");
    expect(request.tools.map((t) => t.name)).toEqual(['Bash', 'DeferredToolPlaceholder', 'ToolSearch']);
    expect(request.turns[2]!.content).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'loaded' }] }]);
    expect(request.includeThinking).toBe(true);
    expect(ignored).toEqual([
      'cache_control',
      'context_management',
      'mcp_servers',
      'messages[].content[].content[].tool_reference',
      'metadata',
      'system[].x-anthropic-billing-header',
      'thinking.display',
      'tools[].defer_loading',
      'tools[].eager_input_streaming',
      'tools[].web_search_20250305',
    ]);
  });

  test('only the billing line is left out when more text follows it', () => {
    const { request } = translate({
      system: 'x-anthropic-billing-header: cc_version=1; cc_entrypoint=cli;\n\nBe brief.',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(request.system).toBe('Be brief.');
  });

  test('max_tokens is required, as in Anthropic API', () => {
    expect(anthropicMessagesRequestSchema.safeParse({ messages: [{ role: 'user', content: 'x' }] }).success).toBe(false);
  });
});

describe('count_tokens estimate', () => {
  test('counts text, tools and images, never exactly', () => {
    const body = anthropicCountTokensRequestSchema.parse({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'x'.repeat(700) }, { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] }],
    });
    expect(estimateInputTokens(toBridgeRequest(body, { includeThinking: false }).request)).toBe(200 + 1600);
  });
});

/** A client's view: apply the stream events in order, as Anthropic's SDK does. */
function accumulate(events: AnthropicStreamEvent[]) {
  const first = events[0];
  if (first?.type !== 'message_start') throw new Error('no message_start');
  const message = structuredClone(first.message);
  const json: string[] = [];
  for (const event of events.slice(1)) {
    if (event.type === 'content_block_start') {
      expect(event.index).toBe(message.content.length);
      message.content.push(structuredClone(event.content_block));
      json[event.index] = '';
    } else if (event.type === 'content_block_delta') {
      const block = message.content[event.index]!;
      const d = event.delta;
      if (d.type === 'text_delta' && block.type === 'text') block.text += d.text;
      else if (d.type === 'thinking_delta' && block.type === 'thinking') block.thinking += d.thinking;
      else if (d.type === 'signature_delta' && block.type === 'thinking') block.signature = d.signature;
      else if (d.type === 'input_json_delta') json[event.index] += d.partial_json;
      else throw new Error(`delta ${d.type} on a ${block.type} block`);
    } else if (event.type === 'content_block_stop') {
      const block = message.content[event.index]!;
      if (block.type === 'tool_use') block.input = JSON.parse(json[event.index] || '{}') as Record<string, unknown>;
    } else if (event.type === 'message_delta') {
      message.stop_reason = event.delta.stop_reason;
      message.stop_sequence = event.delta.stop_sequence;
      message.usage = { ...message.usage, ...event.usage };
    }
  }
  return message;
}

describe.each(['text', 'thinking-text', 'tool-calls', 'max-tokens'])('stream of recorded run %s', (name) => {
  const events = recordedEvents(name, { clientToolsOffered: name === 'tool-calls' });
  const stream = new AnthropicMessageStream({ id: 'msg_test', includeThinking: true });
  const out = events.flatMap((e) => stream.push(e));

  test('follows the event grammar: start, blocks opened and closed in turn, delta, stop', () => {
    expect(out[0]!.type).toBe('message_start');
    expect(out.at(-2)!.type).toBe('message_delta');
    expect(out.at(-1)!.type).toBe('message_stop');
    let open: number | undefined;
    for (const event of out) {
      if (event.type === 'content_block_start') {
        expect(open).toBeUndefined();
        open = event.index;
      } else if (event.type === 'content_block_delta') {
        expect(event.index).toBe(open);
      } else if (event.type === 'content_block_stop') {
        expect(event.index).toBe(open);
        open = undefined;
      }
    }
    expect(open).toBeUndefined();
  });

  test('what a client puts together is the non-streamed message', () => {
    expect(accumulate(out)).toEqual(stream.message());
  });
});

test('thinking comes back as a thinking block with its signature, before the text', () => {
  const stream = new AnthropicMessageStream({ id: 'msg_t', includeThinking: true });
  recordedEvents('thinking-text').forEach((e) => stream.push(e));
  expect(stream.message().content).toEqual([
    { type: 'thinking', thinking: 'Let me think.', signature: 'fake-signature' },
    { type: 'text', text: 'Answer.', citations: null },
  ]);
  const without = new AnthropicMessageStream({ id: 'msg_t', includeThinking: false });
  recordedEvents('thinking-text').forEach((e) => without.push(e));
  expect(without.message().content).toEqual([{ type: 'text', text: 'Answer.', citations: null }]);
});

test('tool calls come back as tool_use blocks with the client names and stop_reason tool_use', () => {
  const stream = new AnthropicMessageStream({ id: 'msg_t', includeThinking: true });
  recordedEvents('tool-calls', { clientToolsOffered: true }).forEach((e) => stream.push(e));
  const message = stream.message();
  expect(message.stop_reason).toBe('tool_use');
  expect(message.content.filter((b) => b.type === 'tool_use')).toEqual([
    { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' }, caller: { type: 'direct' } },
    { type: 'tool_use', id: 'toolu_01B', name: 'get_time', input: { tz: 'CET' }, caller: { type: 'direct' } },
  ]);
});

test('a stream started early announces the resolved model once', () => {
  const stream = new AnthropicMessageStream({ id: 'msg_t', includeThinking: false });
  const opening = stream.begin('claude-sonnet-5-5');
  expect(opening).toHaveLength(1);
  expect(stream.push({ type: 'start', model: 'claude-sonnet-5-5' })).toEqual([]);
  expect(stream.message().model).toBe('claude-sonnet-5-5');
});

test('errors: Anthropic shape with the request id; overload is 529 for Anthropic clients, 503 for OpenAI ones', () => {
  const overloaded = new BridgeError('overloaded', "Claude's API is overloaded.", { code: 'upstream_overloaded' });
  expect(wireStatus(overloaded, 'anthropic')).toBe(529);
  expect(wireStatus(overloaded, 'openai')).toBe(503);
  expect(toAnthropicErrorBody(overloaded, 'req_1')).toEqual({
    type: 'error',
    error: { type: 'overloaded_error', message: "Claude's API is overloaded." },
    request_id: 'req_1',
  });
  expect(wireStatus(new BridgeError('timeout', 'slow'), 'anthropic')).toBe(504);
});
