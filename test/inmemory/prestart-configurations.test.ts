import type OpenAI from 'openai';
import { expect, test } from 'vitest';
import { planExtraBody } from '../../src/claude/extra-body.js';
import { prestartRecipe } from '../../src/claude/run-options.js';
import type { RunSpec } from '../../src/core/ports.js';
import { useInMemoryBridge } from '../support/in-memory-bridge.js';

// Which process started ahead may serve a request: the one whose
// configuration key is the request's, as the runner asks for it (a
// pre-started session's recipe and the request's are built by one function,
// prestartRecipe). Here, the key of each request as the HTTP stack hands it to
// the runner; that a process started for a configuration serves the next
// request with it is test/e2e/prestarted.test.ts.
const { bridge, openai } = useInMemoryBridge();

const tools: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];
const system = 'You are a weather agent.';

/** The configuration key of the run this new conversation starts. */
async function keyOf(systemPrompt: string, text: string, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}): Promise<string> {
  await openai.chat.completions.create({
    model: 'sonnet',
    messages: [
      { role: 'system', content: systemPrompt },
      { role: 'user', content: text },
    ],
    ...extra,
  });
  const spec: RunSpec = bridge.runner.runs.at(-1)!;
  return prestartRecipe(spec.request, bridge.config, spec.sdkModel, planExtraBody(spec.request, new Set()), () => ({})).key;
}

test("an agent's next conversation with the same configuration has its key, whatever its first message", async () => {
  expect(await keyOf(system, 'Weather in Rome?', { tools, reasoning_effort: 'low' })).toBe(await keyOf(system, 'Weather in Paris?', { tools, reasoning_effort: 'low' }));
});

test('another system prompt, tools, model, effort or sampling is another configuration: none may take a process started for another', async () => {
  const base = await keyOf(system, 'x', { tools, reasoning_effort: 'low' });
  const others = [
    await keyOf(`${system} Be brief.`, 'a', { tools, reasoning_effort: 'low' }),
    await keyOf(system, 'b', { reasoning_effort: 'low' }),
    await keyOf(system, 'c', { tools, reasoning_effort: 'high' }),
    await keyOf(system, 'd', { tools, reasoning_effort: 'low', model: 'haiku' }),
    // A different CLAUDE_CODE_EXTRA_BODY is a different process.
    await keyOf(system, 'e', { tools, reasoning_effort: 'low', temperature: 0.2 }),
  ];
  expect(new Set([base, ...others]).size).toBe(6);
});
