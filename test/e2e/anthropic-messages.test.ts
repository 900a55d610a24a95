import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { conversation, lastUserText, systemText, type ReceivedRequest } from '../support/fake-anthropic.js';
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
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack.fake.reset());

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

  test('stop_sequences end the answer before the stop text, with stop_reason stop_sequence', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['one two ', 'STOP three'] }] });
    const message = await client.messages.create({
      model: 'sonnet',
      max_tokens: 100,
      stop_sequences: ['STOP'],
      messages: [{ role: 'user', content: 'count' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'one two ', citations: null }]);
    expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'STOP' });
  });
});

describe('streaming', () => {
  test("emits Anthropic's exact event sequence, each event named after its type", async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['One', ' two', ' three'] }] });
    const res = await postSse(url(), { model: 'haiku', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'count' }] }, auth);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = res.events.filter((e) => e.event !== 'ping');
    for (const e of res.events) expect(JSON.parse(e.data).type).toBe(e.event);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = events.map((e) => JSON.parse(e.data));
    expect(data[0].message).toMatchObject({ role: 'assistant', content: [], stop_reason: null, model: stack.fake.lastRequest.body.model });
    expect(data[1]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } });
    expect(data.slice(2, 5).map((d) => d.delta)).toEqual([
      { type: 'text_delta', text: 'One' },
      { type: 'text_delta', text: ' two' },
      { type: 'text_delta', text: ' three' },
    ]);
    expect(data[6]).toMatchObject({ delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 12, input_tokens: 25 } });
  });

  test('messages.stream: text events as they come, a final message like the non-streamed one, thinking with its signature', async () => {
    stack.fake.reply({ blocks: [{ type: 'thinking', thinking: ['Paris is ', 'in France.'] }, { type: 'text', text: ['Par', 'is.'] }] });
    const stream = client.messages.stream({
      model: 'sonnet',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'Capital of France?' }],
    });
    const texts: string[] = [];
    const thoughts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    stream.on('thinking', (t) => thoughts.push(t));
    const final = await stream.finalMessage();
    expect(texts).toEqual(['Par', 'is.']);
    expect(thoughts).toEqual(['Paris is ', 'in France.']);
    expect(final.content).toEqual([
      { type: 'thinking', thinking: 'Paris is in France.', signature: 'fake-signature' },
      { type: 'text', text: 'Paris.', citations: null },
    ]);
    expect(final.usage).toMatchObject({ input_tokens: 25, output_tokens: 12 });

    // A client that did not ask for thinking gets none.
    stack.fake.reply({ blocks: [{ type: 'thinking', thinking: 'Hmm.' }, { type: 'text', text: 'Paris.' }] });
    const plain = await client.messages.create({ model: 'sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'Capital?' }] });
    expect(plain.content).toEqual([{ type: 'text', text: 'Paris.', citations: null }]);
  });

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

  test("tool_choice 'tool' goes to Claude's API; 'none' offers no tools", async () => {
    await client.messages.create({
      model: 'sonnet',
      max_tokens: 64,
      tools: [weatherTool],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    expect(stack.fake.lastRequest.body.tool_choice).toEqual({ type: 'tool', name: 'mcp__client__get_weather' });
    await client.messages.create({ model: 'sonnet', max_tokens: 64, tools: [weatherTool], tool_choice: { type: 'none' }, messages: [{ role: 'user', content: 'Weather?' }] });
    expect(clientTools(stack.fake.lastRequest)).toEqual([]);
    expect(lastUserText(stack.fake.lastRequest.body)).toBe('Weather?');
  });
});

describe('errors in Anthropic shape, with its status codes', () => {
  test("Claude's API overloaded → 529 overloaded_error, as Anthropic's API answers", async () => {
    stack.fake.reply({ status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    const err = (await client.messages.create({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(err.status).toBe(529);
    expect(err.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    await waitForNoRuns(stack.server.registry);
  });
});
