import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { conversation, systemText, type ReceivedRequest } from '../support/fake-anthropic.js';
import { postSse } from '../support/sse.js';
import { waitForNoRuns } from '../support/processes.js';
import { startStack, type Stack } from '../support/stack.js';

const API_KEY = 'sk-bridge-test-key';

let stack: Stack;
let client: Anthropic;
beforeAll(async () => {
  // A one-second keep-alive, so that a slow start and its pings fit in a test.
  stack = await startStack({ flags: { apiKeys: API_KEY, keepAliveMs: '1' } });
  // Anthropic's client sends its key as x-api-key, and anthropic-version, as it would to Anthropic.
  client = new Anthropic({ baseURL: stack.server.url, apiKey: API_KEY, maxRetries: 0, timeout: 60_000 });
  // Claude Code's model list first: a stream that opens before Claude answers names the model from it (until
  // it has come, the alias as asked). A run tells the list too, but no test here may depend on another's run.
  await stack.server.catalog.list();
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack.fake.reset());

// What reaches Claude through the Messages API (system, history, limits,
// tools, tool results), and how a real run streams when it
// starts slowly or fails after the stream opened. How recorded runs come back
// (stop sequences, the exact event sequence, thinking and its signature, an
// upstream overload's 529, the tool choice the run is asked for) is checked without Claude Code in
// test/inmemory/anthropic-messages.test.ts.

const url = () => `${stack.server.url}/v1/messages`;
const auth = { 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01' };

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function clientTools(request: ReceivedRequest) {
  return (request.body.tools ?? []).filter((t) => t.name.startsWith('mcp__client__'));
}

describe('messages.create', () => {
  test('answers with a message: msg_ id, the model that answered, stop reason and usage in Anthropic terms', async () => {
    stack.fake.reply({
      blocks: [{ type: 'text', text: ['Bonjour', ' !'] }],
      usage: { input_tokens: 30, cache_read_input_tokens: 7, cache_creation_input_tokens: 5, output_tokens: 9 },
    });
    const { data: message, response } = await client.messages
      .create({
        model: 'claude-sonnet-5-5',
        max_tokens: 256,
        system: 'Answer in French.',
        // Older clients still send temperature; this SDK version no longer declares it.
        ...({ temperature: 0.3 } as object),
        metadata: { user_id: 'user-42' },
        messages: [
          { role: 'user', content: 'Hello' },
          { role: 'assistant', content: 'Hi.' },
          { role: 'user', content: 'How are you?' },
        ],
      })
      .withResponse();
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Bonjour !', citations: null }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 30, output_tokens: 9, cache_read_input_tokens: 7, cache_creation_input_tokens: 5 },
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.model).toBe(stack.fake.lastRequest.body.model);
    expect(message.model).toMatch(/^claude-sonnet/);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    // The temperature went to Claude's API, which this fake does not refuse.
    expect(response.headers.get('x-claude-code-bridge-ignored')).toBe('metadata');
    const seen = stack.fake.lastRequest.body;
    expect(systemText(seen)).toContain('Answer in French.');
    expect(conversation(seen).map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    expect(stack.fake.lastRequest.body.max_tokens).toBe(256);
  });

});

describe('streaming', () => {
  test('a slow start: the stream opens after one keep-alive interval, pings while waiting, then the answer', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: 'Late.' }], firstByteDelayMs: 3500 });
    const res = await postSse(url(), { model: 'sonnet', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] }, auth);
    const names = res.events.map((e) => e.event);
    expect(names[0]).toBe('message_start');
    expect(names.indexOf('ping')).toBeGreaterThan(0);
    expect(names.indexOf('ping')).toBeLessThan(names.indexOf('content_block_start'));
    expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(JSON.parse(res.events[0]!.data).message.model).toMatch(/^claude-sonnet/);
  });

  test('a failure after the stream opened is an error event in Anthropic shape', async () => {
    stack.fake.setHandler(async () => {
      await new Promise((r) => setTimeout(r, 2500));
      return { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } };
    });
    const res = await postSse(url(), { model: 'sonnet', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] }, auth);
    expect(res.status).toBe(200);
    const last = res.events.at(-1)!;
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    await expect(
      client.messages.stream({ model: 'sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).finalMessage(),
    ).rejects.toMatchObject({ error: { type: 'error', error: { type: 'overloaded_error' } } });
    // A failed run's Claude Code process may still be on its way out; let it go before the next test.
    await waitForNoRuns(stack.server.registry);
  });
});

describe('tools', () => {
  test('a call comes back as tool_use with the client name; the tool_result follow-up reaches Claude and is answered', async () => {
    stack.fake.reply({
      blocks: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_01W', name: 'mcp__client__get_weather', input: { city: 'Paris' }, chunks: ['{"city":', ' "Paris"}'] },
      ],
    });
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
    const stream = client.messages.stream({ model: 'sonnet', max_tokens: 512, tools: [weatherTool], messages: [question] });
    const jsonParts: string[] = [];
    stream.on('inputJson', (partial) => jsonParts.push(partial));
    const call = await stream.finalMessage();
    expect(jsonParts).toEqual(['{"city":', ' "Paris"}']);
    expect(call.stop_reason).toBe('tool_use');
    expect(call.content).toEqual([
      { type: 'text', text: 'Let me check.', citations: null },
      { type: 'tool_use', id: 'toolu_01W', name: 'get_weather', input: { city: 'Paris' }, caller: { type: 'direct' } },
    ]);
    const offered = clientTools(stack.fake.lastRequest);
    expect(offered.map((t) => [t.name, t.input_schema])).toEqual([['mcp__client__get_weather', weatherTool.input_schema]]);

    stack.fake.reply({ blocks: [{ type: 'text', text: 'It is sunny in Paris.' }] });
    const answer = await client.messages.create({
      model: 'sonnet',
      max_tokens: 512,
      tools: [weatherTool],
      messages: [
        question,
        { role: 'assistant', content: call.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01W', content: 'sunny, 25C' }] },
      ],
    });
    expect(answer.content).toEqual([{ type: 'text', text: 'It is sunny in Paris.', citations: null }]);
    expect(answer.stop_reason).toBe('end_turn');
    const turns = conversation(stack.fake.lastRequest.body);
    // Blocks sent back as the client received them reach Claude as Claude wrote them.
    expect(turns[1]!.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_01W', name: 'mcp__client__get_weather', input: { city: 'Paris' } },
    ]);
    // The result reaches Claude as the plain result of its call (cache markers aside).
    const { cache_control: _cache, ...result } = turns[2]!.content[0]!;
    expect(result).toEqual({ type: 'tool_result', tool_use_id: 'toolu_01W', content: [{ type: 'text', text: 'sunny, 25C' }] });
  });
});
