import type Anthropic from '@anthropic-ai/sdk';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { inMemoryBridge, officialClients, type InMemoryBridge } from '../support/in-memory-bridge.js';
import { readSse } from '../support/sse.js';

// The Messages API as Anthropic's client sees it for runs recorded from the
// real Claude Code: stop sequences, the exact event sequence, thinking with
// its signature (and none for a client that did not ask), and an upstream
// overload in Anthropic's status. What reaches Claude, and failures and slow
// starts of a real run, are checked in test/e2e/anthropic-messages.test.ts.
let bridge: InMemoryBridge;
let client: Anthropic;
beforeAll(async () => {
  bridge = await inMemoryBridge();
  client = officialClients(bridge).anthropic;
});
beforeEach(() => bridge.runner.reset());

describe('messages.create', () => {
  test('stop_sequences end the answer before the stop text, with stop_reason stop_sequence', async () => {
    // Recorded: "Hello", " wor", "ld EN", "D and more", " text".
    bridge.runner.play({ recording: 'stop-text' });
    const message = await client.messages.create({ model: 'sonnet', max_tokens: 100, stop_sequences: ['END'], messages: [{ role: 'user', content: 'count' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello world ', citations: null }]);
    expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });

  test("Claude's API overloaded → 529 overloaded_error, as Anthropic's API answers", async () => {
    bridge.runner.play({ recording: 'upstream-529' });
    const err = (await client.messages.create({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as {
      status: number;
      error: unknown;
    };
    expect(err.status).toBe(529);
    expect(err.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });
});

describe('streaming', () => {
  test("emits Anthropic's exact event sequence, each event named after its type", async () => {
    // Recorded: "Hello", " world"; 20 input tokens, 4 read from the cache, 5 out.
    const res = await readSse(await bridge.post('/v1/messages', { model: 'haiku', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'count' }] }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = res.events.filter((e) => e.event !== 'ping');
    for (const e of res.events) expect(JSON.parse(e.data).type).toBe(e.event);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = events.map((e) => JSON.parse(e.data));
    expect(data[0].message).toMatchObject({ role: 'assistant', content: [], stop_reason: null, model: expect.stringMatching(/^claude-/) });
    expect(data[1]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } });
    expect(data.slice(2, 4).map((d) => d.delta)).toEqual([
      { type: 'text_delta', text: 'Hello' },
      { type: 'text_delta', text: ' world' },
    ]);
    expect(data[5]).toMatchObject({ delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5, input_tokens: 20, cache_read_input_tokens: 4 } });
  });

  test('messages.stream: text events as they come, a final message like the non-streamed one, thinking with its signature', async () => {
    bridge.runner.play({ recording: 'thinking-text' });
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
    expect(texts).toEqual(['Answer.']);
    expect(thoughts).toEqual(['Let me ', 'think.']);
    expect(final.content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: 'fake-signature' },
      { type: 'text', text: 'Answer.', citations: null },
    ]);
    expect(final.usage).toMatchObject({ input_tokens: 25, output_tokens: 12 });

    // A client that did not ask for thinking gets none.
    const plain = await client.messages.create({ model: 'sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'Capital?' }] });
    expect(plain.content).toEqual([{ type: 'text', text: 'Answer.', citations: null }]);
  });
});

describe('tools', () => {
  const weatherTool: Anthropic.Tool = {
    name: 'get_weather',
    description: 'Current weather for a city',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  };

  // The run is asked for the same tool choice as from Chat Completions, whose way to Claude's API is checked
  // with the real Claude Code (test/e2e/tools.test.ts, and test/inmemory/tools.test.ts for the same choices).
  test.each([
    [{ type: 'tool', name: 'get_weather' }, { type: 'function', name: 'get_weather' }],
    [{ type: 'none' }, { type: 'none' }],
    [{ type: 'any' }, { type: 'required' }],
    [{ type: 'auto' }, { type: 'auto' }],
  ] as const)('tool_choice %j asks the run for %j', async (given, choice) => {
    await client.messages.create({ model: 'sonnet', max_tokens: 64, tools: [weatherTool], tool_choice: given, messages: [{ role: 'user', content: 'Weather?' }] });
    expect(bridge.runner.runs.map((run) => run.request.toolChoice)).toEqual([choice]);
    // With none, the run is offered no tools at all.
    expect(bridge.runner.runs[0]!.request.tools.map((t) => t.name)).toEqual(choice.type === 'none' ? [] : ['get_weather']);
  });
});
