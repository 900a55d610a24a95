import type OpenAI from 'openai';
import { describe, expect, test, vi } from 'vitest';
import { conversation, lastUserText, systemText, type ReceivedRequest } from '../support/fake-anthropic.js';
import { assertSchema } from '../support/openai-schema.js';
import { waitForNoRuns } from '../support/processes.js';
import { useStack } from '../support/stack.js';

const stack = useStack();

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      },
      required: ['city'],
      additionalProperties: false,
    },
  },
};
const timeTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', description: 'Time in a zone', parameters: { type: 'object', properties: { tz: { type: 'string' } } } },
};
const question: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];

function clientTools(request: ReceivedRequest) {
  return (request.body.tools ?? []).filter((t) => t.name.startsWith('mcp__client__'));
}

describe('function calling', () => {
  test('a call comes back as tool_calls with the client name, a call_ id and JSON arguments; the bridge never runs it', async () => {
    stack.fake.reply({ blocks: [{ type: 'tool_use', id: 'toolu_01XyZ', name: 'mcp__client__get_weather', input: { city: 'Paris' } }] });
    const res = await stack.openai.chat.completions.create({ model: 'sonnet', messages: question, tools: [weatherTool, timeTool] });
    assertSchema('CreateChatCompletionResponse', res);
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      { id: 'call_01XyZ', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    // Claude saw the client's schema exactly, under its MCP name.
    const offered = clientTools(stack.fake.lastRequest);
    expect(offered.map((t) => t.name).sort()).toEqual(['mcp__client__get_time', 'mcp__client__get_weather']);
    const weather = offered.find((t) => t.name === 'mcp__client__get_weather')!;
    expect(weather.description).toBe('Current weather for a city');
    expect(weather.input_schema).toEqual(weatherTool.function.parameters);
    // One call to Claude: the run ended at the tool call instead of going on. Once Claude Code is
    // inside the call, waiting for the client's result, it cannot ask Claude anything more.
    await vi.waitFor(() => expect(stack.server.live.waitingToolCalls()).toEqual(['toolu_01XyZ']), { timeout: 10_000, interval: 20 });
    expect(stack.fake.messageRequests).toHaveLength(1);
  });

  test("tool_choice: none offers no tools; required (with parallel_tool_calls: false) and a named function go to Claude's API", async () => {
    await stack.openai.chat.completions.create({ model: 'sonnet', messages: question, tools: [weatherTool], tool_choice: 'none' });
    expect(clientTools(stack.fake.lastRequest)).toEqual([]);

    // parallel_tool_calls: false is Claude's API's own one-call limit (the bridge hands back one call
    // even so: test/inmemory/tools.test.ts).
    await stack.openai.chat.completions.create({ model: 'sonnet', messages: question, tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false });
    expect(clientTools(stack.fake.lastRequest)).toHaveLength(1);
    expect(stack.fake.lastRequest.body.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });

    await stack.openai.chat.completions.create({
      model: 'sonnet',
      messages: question,
      tools: [weatherTool, timeTool],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    expect(stack.fake.lastRequest.body.tool_choice).toEqual({ type: 'tool', name: 'mcp__client__get_time' });
  });

  test('history: tool calls and results reach Claude as tool_use / tool_result blocks, and Claude answers from them', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: 'It is sunny in Paris.' }] });
    const res = await stack.openai.chat.completions.create({
      model: 'sonnet',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [{ id: 'call_01XyZ', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_01XyZ', content: 'sunny, 25C' },
      ],
    });
    expect(res.choices[0]!.message.content).toBe('It is sunny in Paris.');
    expect(res.choices[0]!.finish_reason).toBe('stop');
    const turns = conversation(stack.fake.lastRequest.body);
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    // The call under the id Claude gave it (an OpenAI client has Claude's toolu_x as call_x).
    expect(turns[1]!.content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'toolu_01XyZ', name: 'mcp__client__get_weather', input: { city: 'Paris' } },
    ]);
    // The result arrives in the turn that asked for it; Claude Code adds its
    // own note that the interrupted turn goes on (cache markers aside).
    const [result, ...rest] = turns[2]!.content.map(({ cache_control: _c, ...block }) => block);
    expect(result).toEqual({ type: 'tool_result', tool_use_id: 'toolu_01XyZ', content: [{ type: 'text', text: 'sunny, 25C' }] });
    expect(rest).toEqual([{ type: 'text', text: 'Continue from where you left off.' }]);
    // No hidden prompt: Claude Code's coding-agent prompt is not sent on this path either.
    expect(systemText(stack.fake.lastRequest.body)).not.toMatch(/You are an agent|# Memory/);
  });

  test('legacy function_call history reaches Claude as tool_use / tool_result blocks; legacy functions are one call at a time, as Claude\'s API is told', async () => {
    // How a legacy call comes back is checked without Claude Code (test/inmemory/tools.test.ts).
    stack.fake.reply({ blocks: [{ type: 'text', text: 'Warm.' }] });
    const followUp = await stack.openai.chat.completions.create({
      model: 'sonnet',
      functions: [weatherTool.function],
      messages: [
        { role: 'user', content: 'Weather in Rome?' },
        { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        { role: 'function', name: 'get_weather', content: '30C' },
      ],
    });
    expect(followUp.choices[0]!.message.content).toBe('Warm.');
    const turns = conversation(stack.fake.lastRequest.body);
    expect(turns[2]!.content[0]).toMatchObject({ type: 'tool_result', content: [{ type: 'text', text: '30C' }] });
    // As parallel_tool_calls: false with tool_choice auto (that the bridge then hands back one call is
    // checked without Claude Code: test/inmemory/tools.test.ts).
    expect(stack.fake.lastRequest.body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
  });

});

describe('structured output', () => {
  const schema = { type: 'object', properties: { answer: { type: 'string' }, confidence: { type: 'number' } }, required: ['answer'] };

  function structuredReply(request: ReceivedRequest) {
    const tool = request.body.tools?.find((t) => t.name === 'StructuredOutput');
    if (!tool) return { blocks: [{ type: 'text' as const, text: 'no schema offered' }] };
    return {
      blocks: [
        { type: 'text' as const, text: 'Here is the JSON.' },
        { type: 'tool_use' as const, name: 'StructuredOutput', input: {}, chunks: ['{"answer": "42",', ' "confidence": 0.9}'] },
      ],
    };
  }

  test('json_schema: Claude Code offers Claude the schema, and the content is the JSON it validated', async () => {
    stack.fake.setHandler(structuredReply);
    const res = await stack.openai.chat.completions.create({
      model: 'sonnet',
      messages: [{ role: 'user', content: 'Answer as JSON' }],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
    });
    assertSchema('CreateChatCompletionResponse', res);
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ answer: '42', confidence: 0.9 });
    expect(res.choices[0]!.finish_reason).toBe('stop');
    const offered = stack.fake.lastRequest.body.tools!.find((t) => t.name === 'StructuredOutput')!;
    expect(offered.input_schema).toEqual(schema);
  });

  test('json_object returns a JSON object', async () => {
    stack.fake.setHandler(structuredReply);
    const res = await stack.openai.chat.completions.create({
      model: 'sonnet',
      messages: [{ role: 'user', content: 'JSON please' }],
      response_format: { type: 'json_object' },
    });
    expect(typeof JSON.parse(res.choices[0]!.message.content!)).toBe('object');
    expect(stack.fake.lastRequest.body.tools!.find((t) => t.name === 'StructuredOutput')!.input_schema).toMatchObject({ type: 'object' });
  });
});

describe('reasoning and limits', () => {
  // That max_tokens and max_completion_tokens both become the run's limit is checked without Claude Code (test/inmemory/tools.test.ts).
  // Every effort level's mapping is checked without Claude Code (test/inmemory/tools.test.ts); here, that
  // the highest level, and below a mapped one, reach Claude's API.
  test('max_completion_tokens sets Claude\'s output limit and reasoning_effort xhigh its effort; reaching the limit is finish_reason "length"', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: 'cut' }], stopReason: 'max_tokens' });
    const res = await stack.openai.chat.completions.create({ model: 'sonnet', messages: question, max_completion_tokens: 77, reasoning_effort: 'xhigh' as OpenAI.ReasoningEffort });
    expect(stack.fake.lastRequest.body.max_tokens).toBe(77);
    expect(stack.fake.lastRequest.body.output_config).toMatchObject({ effort: 'xhigh' });
    expect(res.choices[0]!.finish_reason).toBe('length');
    // Claude Code would ask Claude to resume past the limit; the bridge ends it before it can.
    // Once its process is gone, nothing more can reach Claude.
    await waitForNoRuns(stack.server.registry);
    expect(stack.fake.messageRequests).toHaveLength(1);
  });

  // Where a stop sequence ends the answer is checked without Claude Code (test/inmemory/tools.test.ts).
  test('a stop sequence that never appears changes nothing, and is not put into the prompt; reasoning_effort minimal is effort low', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['ab', 'c E', 'N'] }] });
    const res = await stack.openai.chat.completions.create({ model: 'sonnet', messages: question, stop: 'END', reasoning_effort: 'minimal' });
    expect(res.choices[0]!.message.content).toBe('abc EN');
    expect(lastUserText(stack.fake.lastRequest.body)).toBe('Weather in Paris?');
    expect(stack.fake.lastRequest.body.output_config).toMatchObject({ effort: 'low' });
  });
});
