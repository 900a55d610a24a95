import type OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { useInMemoryBridge } from '../support/in-memory-bridge.js';
import { assertSchema, chunksOf } from '../support/openai-schema.js';

// What Chat Completions answers for tool calls, structured output, thinking
// and stop sequences in runs recorded from the real Claude Code, and what the
// bridge asks Claude Code to run for the request's settings. What reaches
// Claude's API (tool definitions, history, tool_choice, output limits, effort)
// is checked with the real Claude Code in test/e2e/tools.test.ts.
const { bridge, openai } = useInMemoryBridge();

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const timeTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', description: 'Time in a zone', parameters: { type: 'object', properties: { tz: { type: 'string' } } } },
};
const question: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];

describe('function calling', () => {
  test('text before the calls is the content; several calls come back together, under call_ ids from Claude\'s', async () => {
    bridge.runner.play({ recording: 'tool-calls-chunked' });
    const res = await openai.chat.completions.create({ model: 'sonnet', messages: question, tools: [weatherTool, timeTool] });
    assertSchema('CreateChatCompletionResponse', res);
    expect(res.choices[0]!.message.content).toBe('Checking.');
    expect(res.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_A', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } },
      { id: 'call_B', type: 'function', function: { name: 'get_time', arguments: '{"tz":"UTC"}' } },
    ]);
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
  });

  test('streaming: index, id, type and name on the first delta of each call, then argument fragments', async () => {
    bridge.runner.play({ recording: 'tool-calls-chunked' });
    const chunks = await chunksOf(await openai.chat.completions.create({ model: 'sonnet', messages: question, tools: [weatherTool, timeTool], stream: true }));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toEqual([
      { index: 0, id: 'call_A', type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 0, function: { arguments: '{"ci' } },
      { index: 0, function: { arguments: 'ty": "Par' } },
      { index: 0, function: { arguments: 'is"}' } },
      { index: 1, id: 'call_B', type: 'function', function: { name: 'get_time', arguments: '' } },
      { index: 1, function: { arguments: '{"tz":"UTC"}' } },
    ]);
    expect(chunks.map((c) => c.choices[0]?.delta.content).filter(Boolean).join('')).toBe('Checking.');
    expect(chunks.filter((c) => c.choices[0]?.finish_reason)).toHaveLength(1);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  test('parallel_tool_calls: false hands back one call, even when Claude wrote two', async () => {
    bridge.runner.play({ recording: 'tool-calls-chunked' });
    const res = await openai.chat.completions.create({ model: 'sonnet', messages: question, tools: [weatherTool, timeTool], parallel_tool_calls: false });
    expect(res.choices[0]!.message.tool_calls!.map((c) => c.id)).toEqual(['call_A']);
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
    expect(bridge.runner.runs[0]!.request.parallelToolCalls).toBe(false);
  });

  test('legacy functions / function_call: the call comes back as function_call, with finish_reason function_call', async () => {
    bridge.runner.play({ recording: 'tool-calls-chunked' });
    const res = await openai.chat.completions.create({
      model: 'sonnet',
      messages: question,
      functions: [weatherTool.function, timeTool.function],
      function_call: 'auto',
    });
    assertSchema('CreateChatCompletionResponse', res);
    expect(res.choices[0]!.finish_reason).toBe('function_call');
    expect(res.choices[0]!.message.function_call).toEqual({ name: 'get_weather', arguments: '{"city": "Paris"}' });
    expect(res.choices[0]!.message.tool_calls).toBeUndefined();
    // The same mechanism as tools: the run is offered them as client tools.
    expect(bridge.runner.runs[0]!.request.tools.map((t) => t.name)).toEqual(['get_weather', 'get_time']);
  });

  // The same choices from the Messages API: test/inmemory/anthropic-messages.test.ts.
  test.each([
    ['none', { type: 'none' }],
    ['required', { type: 'required' }],
    ['auto', { type: 'auto' }],
    [{ type: 'function', function: { name: 'get_time' } }, { type: 'function', name: 'get_time' }],
  ] as const)('tool_choice %j asks the run for %j', async (given, choice) => {
    await openai.chat.completions.create({ model: 'sonnet', messages: question, tools: [weatherTool, timeTool], tool_choice: given as OpenAI.ChatCompletionToolChoiceOption });
    expect(bridge.runner.runs.map((run) => run.request.toolChoice)).toEqual([choice]);
    // With none, the run is offered no tools at all.
    expect(bridge.runner.runs[0]!.request.tools.map((t) => t.name)).toEqual(choice.type === 'none' ? [] : ['get_weather', 'get_time']);
  });
});

describe('structured output', () => {
  const schema = { type: 'object', properties: { answer: { type: 'string' }, confidence: { type: 'number' } }, required: ['answer'] };

  test('json_schema, streamed: the content is the JSON as Claude wrote it, without the text before it', async () => {
    bridge.runner.play({ recording: 'structured-output' });
    const chunks = await chunksOf(
      await openai.chat.completions.create({
        model: 'sonnet',
        messages: [{ role: 'user', content: 'Answer as JSON' }],
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
        stream: true,
      }),
    );
    expect(chunks.map((c) => c.choices[0]?.delta.content).filter(Boolean)).toEqual(['{"answer": "42",', ' "confidence": 0.9}']);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(bridge.runner.runs[0]!.request.outputFormat).toEqual({ type: 'json_schema', name: 'answer', schema });
  });
});

describe('reasoning and limits', () => {
  test("Claude's thinking is returned as reasoning_content, on the message and on deltas", async () => {
    bridge.runner.play({ recording: 'thinking-text' });
    const res = await openai.chat.completions.create({ model: 'sonnet', messages: question });
    const message = res.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.reasoning_content).toBe('Let me think.');
    expect(message.content).toBe('Answer.');

    const chunks = await chunksOf(await openai.chat.completions.create({ model: 'sonnet', messages: question, stream: true }));
    const reasoning = chunks.map((c) => (c.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content).filter(Boolean);
    expect(reasoning).toEqual(['Let me ', 'think.']);
    expect(chunks.map((c) => c.choices[0]?.delta.content).filter(Boolean).join('')).toBe('Answer.');
  });

  test.each([
    ['minimal', 'low'],
    ['low', 'low'],
    ['medium', 'medium'],
    ['high', 'high'],
    ['xhigh', 'xhigh'],
  ] as const)('reasoning_effort %s asks Claude Code for effort %s', async (given, effort) => {
    await openai.chat.completions.create({ model: 'sonnet', messages: question, reasoning_effort: given as OpenAI.ReasoningEffort });
    expect(bridge.runner.runs[0]!.request.effort).toBe(effort);
  });

  test('max_tokens and max_completion_tokens are the run\'s output limit', async () => {
    await openai.chat.completions.create({ model: 'sonnet', messages: question, max_tokens: 50 });
    await openai.chat.completions.create({ model: 'sonnet', messages: question, max_completion_tokens: 77 });
    expect(bridge.runner.runs.map((run) => run.request.maxOutputTokens)).toEqual([50, 77]);
  });

  test('stop: the answer ends before the stop text, also when it spans deltas', async () => {
    // Recorded: "Hello", " wor", "ld EN", "D and more", " text".
    bridge.runner.play({ recording: 'stop-text' });
    const res = await openai.chat.completions.create({ model: 'sonnet', messages: question, stop: ['END', 'NEVER'] });
    expect(res.choices[0]!.message.content).toBe('Hello world ');
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage!.prompt_tokens).toBeGreaterThan(0);

    const chunks = await chunksOf(await openai.chat.completions.create({ model: 'sonnet', messages: question, stop: 'END', stream: true }));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello world ');
    expect(chunks.filter((c) => c.choices[0]?.finish_reason)).toHaveLength(1);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });
});
