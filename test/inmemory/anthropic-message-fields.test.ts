import type Anthropic from '@anthropic-ai/sdk';
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { expect, test } from 'vitest';
import { useInMemoryBridge } from '../support/in-memory-bridge.js';
import { recording } from '../support/recordings.js';

// The Anthropic Messages answer as Anthropic's own SDK declares it, for runs
// recorded from the real Claude Code: every field present (null where the
// bridge cannot know it), and the input usage where Anthropic's clients read it.
const { bridge, anthropic } = useInMemoryBridge();

test("a message carries every field its SDK declares, null where unknown", async () => {
  // Claude's text and two calls of the client's tools, as Claude Code reported them.
  bridge.runner.play({ recording: 'tool-calls' });
  const tools: Anthropic.Tool[] = [
    { name: 'get_weather', input_schema: { type: 'object' } },
    { name: 'get_time', input_schema: { type: 'object' } },
  ];
  const message = await anthropic.messages.create({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], tools });
  expect(message).toMatchObject({ container: null, stop_details: null, diagnostics: null });
  expect(message.content).toEqual([
    { type: 'text', text: 'Checking.', citations: null },
    { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' }, caller: { type: 'direct' } },
    { type: 'tool_use', id: 'toolu_01B', name: 'get_time', input: { tz: 'CET' }, caller: { type: 'direct' } },
  ]);
  expect(message.usage).toEqual({
    input_tokens: 25,
    output_tokens: 12,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: null,
    inference_geo: null,
    speed: null,
  });
});

/** The recorded text run, with input usage of its own in both the first stream event and the result. */
function textRunWithUsage(usage: { input_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number }): SDKMessage[] {
  return recording('text').map((message) => {
    const copy = structuredClone(message) as SDKMessage & { event?: { type: string; message?: { usage: object } }; usage?: object };
    if (copy.type === 'stream_event' && copy.event?.type === 'message_start') copy.event.message!.usage = { ...copy.event.message!.usage, ...usage };
    if (copy.type === 'result') copy.usage = { ...copy.usage, ...usage };
    return copy;
  });
}

test("a streamed message reports the real input usage in message_start, where Anthropic's clients read it", async () => {
  bridge.runner.play({ messages: textRunWithUsage({ input_tokens: 40, cache_read_input_tokens: 300, cache_creation_input_tokens: 20 }) });
  const stream = anthropic.messages.stream({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
  const starts: Anthropic.Usage[] = [];
  stream.on('streamEvent', (event) => {
    // A copy: the client goes on adding to the message it started with.
    if (event.type === 'message_start') starts.push({ ...event.message.usage });
  });
  const final = await stream.finalMessage();
  expect(starts).toHaveLength(1);
  expect(starts[0]).toMatchObject({ input_tokens: 40, cache_read_input_tokens: 300, cache_creation_input_tokens: 20, output_tokens: 0 });
  expect(final.usage).toMatchObject({ input_tokens: 40, cache_read_input_tokens: 300, cache_creation_input_tokens: 20, output_tokens: 5 });
});
