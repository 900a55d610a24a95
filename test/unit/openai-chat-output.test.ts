import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { RunCollector } from '../../src/core/run-result.js';
import type { RunEvent } from '../../src/core/types.js';
import { ChatChunkStream } from '../../src/translate/openai-chat/chunk-stream.js';
import { toChatCompletion } from '../../src/translate/openai-chat/completion.js';
import { assertSchema } from '../support/openai-schema.js';
import { recordedEvents } from '../support/recordings.js';

function chunks(list: RunEvent[], includeUsage: boolean, includeThinking = true) {
  const stream = new ChatChunkStream({ id: 'chatcmpl-test', created: 1700000000, includeUsage, includeThinking });
  return list.flatMap((e) => stream.push(e));
}

describe.each(['text', 'thinking-text', 'tool-calls', 'max-tokens'])('recorded run %s', (name) => {
  const list = recordedEvents(name, { clientToolsOffered: name === 'tool-calls' });

  test('every chunk validates against the official schema', () => {
    for (const includeUsage of [false, true]) {
      for (const chunk of chunks(list, includeUsage)) assertSchema('CreateChatCompletionStreamResponse', chunk);
    }
  });

  test('the completion validates against the official schema', () => {
    const collector = new RunCollector();
    list.forEach((e) => collector.push(e));
    assertSchema('CreateChatCompletionResponse', toChatCompletion(collector.result(), { id: 'chatcmpl-x', created: 1, includeThinking: true }));
  });

  test('exactly one chunk has a finish_reason; the first carries the role', () => {
    const all = chunks(list, true);
    expect(all.filter((c) => c.choices[0]?.finish_reason)).toHaveLength(1);
    expect(all[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(all.at(-1)!.choices).toEqual([]);
  });
});

test('tool calls stream with index, call_ id, type and name first, then argument fragments', () => {
  const all = chunks(recordedEvents('tool-calls', { clientToolsOffered: true }), false);
  const toolDeltas = all.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
  expect(toolDeltas).toEqual([
    { index: 0, id: 'call_01A', type: 'function', function: { name: 'get_weather', arguments: '' } },
    { index: 0, function: { arguments: '{"city":' } },
    { index: 0, function: { arguments: '"Paris"}' } },
    { index: 1, id: 'call_01B', type: 'function', function: { name: 'get_time', arguments: '' } },
    { index: 1, function: { arguments: '{"tz":"CET"}' } },
  ]);
  expect(all.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
});

test('a tool-call completion has null content only when Claude said nothing', () => {
  const collector = new RunCollector();
  recordedEvents('tool-calls', { clientToolsOffered: true }).forEach((e) => collector.push(e));
  const completion = toChatCompletion(collector.result(), { id: 'x', created: 1, includeThinking: true });
  expect(completion.choices[0]!.message.content).toBe('Checking.');
  expect(completion.choices[0]!.message.tool_calls).toEqual([
    { id: 'call_01A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    { id: 'call_01B', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } },
  ]);
  expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
});

test('thinking becomes reasoning_content, or nothing when turned off', () => {
  const list = recordedEvents('thinking-text');
  const on = chunks(list, false, true).map((c) => c.choices[0]?.delta.reasoning_content).filter(Boolean);
  expect(on.join('')).toBe('Let me think.');
  const off = chunks(list, false, false).map((c) => c.choices[0]?.delta.reasoning_content).filter(Boolean);
  expect(off).toEqual([]);
  const collector = new RunCollector();
  list.forEach((e) => collector.push(e));
  expect(toChatCompletion(collector.result(), { id: 'x', created: 1, includeThinking: true }).choices[0]!.message.reasoning_content).toBe(
    'Let me think.',
  );
});

test('the chunks as sent (a text delta written from a template) are the JSON of the chunks as built, byte for byte', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', '\u2028', '\u0000text\u0000', '</script>')), { minLength: 1 }),
      fc.oneof(fc.string(), fc.constant('claude\u0000text\u0000')),
      fc.boolean(),
      (texts, model, includeUsage) => {
        const events: RunEvent[] = [
          { type: 'start', model },
          ...texts.map((text): RunEvent => ({ type: 'text', text })),
          { type: 'start', model: `${model}-2` },
          { type: 'text', text: texts[0]! },
          { type: 'end', stopReason: 'end_turn', stopSequence: null, usage: { input_tokens: 1, output_tokens: 2, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } },
        ];
        const options = { id: 'chatcmpl-test', created: 1700000000, includeUsage, includeThinking: true };
        const built = new ChatChunkStream(options);
        const sent = new ChatChunkStream(options);
        for (const event of events) expect(sent.pushJson(event)).toEqual(built.push(event).map((chunk) => JSON.stringify(chunk)));
      },
    ),
  );
});
