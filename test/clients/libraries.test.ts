import { createRequire } from 'node:module';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatAnthropic } from '@langchain/anthropic';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { HumanMessage, type AIMessageChunk } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import { tool as langchainTool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { Agent, run, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled, tool as agentTool } from '@openai/agents';
import { generateText, stepCountIs, tool, type LanguageModel } from 'ai';
import { EnvHttpProxyAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { agentScript } from '../support/agent-script.js';
import { exchangesWith, expectAnswered, marker, useClientBench } from '../support/agent-clients.js';
import { conversation } from '../support/fake-anthropic.js';

/**
 * Agent frameworks and SDKs, unmodified, in this process: the OpenAI Agents
 * SDK, the Vercel AI SDK's OpenAI (Responses by default, and Chat) and
 * Anthropic providers, and LangChain's ChatOpenAI and ChatAnthropic. Their
 * HTTP goes through a dispatcher that sends anything beyond loopback to the
 * refusing proxy, so a library that phones home is caught. Each runs the
 * turns its loop needs; how the AI SDK's providers and ChatOpenAI read a
 * stream is checked on a recorded run (test/inmemory/client-libraries.test.ts).
 */
// A real client's run takes seconds, and many more on a loaded machine: it gets longer than the suite's default.
vi.setConfig({ testTimeout: 180_000 });
const bench = useClientBench();

let previousDispatcher: Dispatcher;
beforeAll(() => {
  previousDispatcher = getGlobalDispatcher();
  setGlobalDispatcher(new EnvHttpProxyAgent({ httpProxy: bench.proxy.url, httpsProxy: bench.proxy.url, noProxy: '127.0.0.1,localhost,::1' }));
  // The Agents SDK exports traces to OpenAI unless told not to.
  setTracingDisabled(true);
});
afterAll(() => setGlobalDispatcher(previousDispatcher));

/** The OpenAI client the Agents SDK itself depends on (its version, not this project's). */
function agentsOpenAIClient() {
  const fromAgents = createRequire(createRequire(import.meta.url).resolve('@openai/agents-openai'));
  const OpenAI = fromAgents('openai').default as new (options: { baseURL: string; apiKey: string; maxRetries: number }) => unknown;
  return new OpenAI({ baseURL: `${bench.url}/v1`, apiKey: 'not-checked', maxRetries: 0 });
}

describe('OpenAI Agents SDK', () => {
  const lookup = agentTool({
    name: 'lookup',
    description: 'Look a key up.',
    parameters: z.object({ key: z.string() }),
    execute: async ({ key }) => `value-of-${key}`,
  });

  // Set up as the README says: the bridge as the default OpenAI client, a model by name, either API.
  describe.each(['responses', 'chat_completions'] as const)('%s', (api) => {
    beforeAll(() => {
      setDefaultOpenAIClient(agentsOpenAIClient() as never);
      setOpenAIAPI(api);
    });
    afterAll(() => setOpenAIAPI('responses'));

    test('a function tool, then a streamed second turn with the history', async () => {
      const agent = new Agent({ name: 'Assistant', instructions: 'Use tools when asked.', model: 'sonnet', tools: [lookup] });
      const mark = marker('agents');
      const first = await run(agent, `Look it up. ${agentScript([{ tool: 'lookup', input: { key: mark } }], 'Found.')}`);
      expect(first.finalOutput).toBe(`Found. Result: value-of-${mark}`);

      const second = await run(agent, [...first.history, { role: 'user', content: `And again? ${agentScript([], `Again ${mark}.`)}` }], { stream: true });
      const pieces: string[] = [];
      for await (const piece of second.toTextStream()) pieces.push(piece);
      await second.completed;
      expect(pieces.length).toBeGreaterThan(1);
      expect(pieces.join('')).toBe(`Again ${mark}.`);
      expect(second.finalOutput).toBe(`Again ${mark}.`);
      const turns = conversation(bench.stack.fake.lastRequest.body);
      expect(turns.flatMap((t) => t.content.map((b) => b.type))).toEqual(expect.arrayContaining(['tool_use', 'tool_result']));
      const exchanges = exchangesWith(bench.wire, mark);
      expectAnswered(exchanges);
      expect(new Set(exchanges.map((e) => e.path))).toEqual(new Set([api === 'responses' ? '/v1/responses' : '/v1/chat/completions']));
    });
  });
});

describe('AI SDK', () => {
  const providers: Array<[string, () => LanguageModel]> = [
    ['@ai-sdk/openai (Responses, stored)', () => createOpenAI({ baseURL: `${bench.url}/v1`, apiKey: 'not-checked' })('sonnet')],
    ['@ai-sdk/openai .chat()', () => createOpenAI({ baseURL: `${bench.url}/v1`, apiKey: 'not-checked' }).chat('sonnet')],
    ['@ai-sdk/anthropic', () => createAnthropic({ baseURL: `${bench.url}/v1`, apiKey: 'not-checked' })('sonnet')],
  ];

  describe.each(providers)('%s', (name, model) => {
    test('generateText: a tool loop of three steps', async () => {
      const mark = marker('aisdk-loop');
      const result = await generateText({
        model: model(),
        system: 'Be brief.',
        tools: {
          lookup: tool({ description: 'Look a key up.', inputSchema: z.object({ key: z.string() }), execute: async ({ key }) => `value-of-${key}` }),
        },
        stopWhen: stepCountIs(5),
        prompt: `Two lookups. ${agentScript(
          [
            { tool: 'lookup', input: { key: `a-${mark}` } },
            { tool: 'lookup', input: { key: `b-${mark}` } },
          ],
          'Looked up.',
        )}`,
      });
      expect(result.steps).toHaveLength(3);
      expect(result.steps.map((s) => s.finishReason)).toEqual(['tool-calls', 'tool-calls', 'stop']);
      expect(result.text).toBe(`Looked up. Result: value-of-b-${mark}`);
      expect(result.finishReason).toBe('stop');
      const exchanges = exchangesWith(bench.wire, mark);
      expectAnswered(exchanges);
      if (name.includes('Responses')) {
        // With store on, later steps refer to the earlier answers by id rather than resending them.
        expect(JSON.stringify(exchanges.map((e) => e.body))).toContain('"item_reference"');
      }
    });
  });
});

describe('LangChain', () => {
  const weather = langchainTool(async ({ city }: { city: string }) => `Sunny in ${city}`, {
    name: 'get_weather',
    description: 'Current weather for a city.',
    schema: z.object({ city: z.string() }),
  });

  test('ChatOpenAI: a tool round trip with invoke', async () => {
    const chat = new ChatOpenAI({ model: 'sonnet', apiKey: 'not-checked', configuration: { baseURL: `${bench.url}/v1` }, maxRetries: 0 });
    const mark = marker('langchain-openai');
    await toolRoundTrip(chat.bindTools([weather]), mark);
    expectAnswered(exchangesWith(bench.wire, mark));
  });

  test('ChatAnthropic: bindTools round trip, and withStructuredOutput', async () => {
    const chat = new ChatAnthropic({ model: 'sonnet', apiKey: 'not-checked', anthropicApiUrl: bench.url, maxRetries: 0 });
    const mark = marker('langchain-anthropic');
    await toolRoundTrip(chat.bindTools([weather]), mark);
    const report = chat.withStructuredOutput(z.object({ city: z.string(), temperature: z.number() }), { name: 'weather_report' });
    const parsed = await report.invoke(`Report. ${mark} ${agentScript([{ tool: 'weather_report', input: { city: 'Oslo', temperature: -5 } }], 'Reported.')}`);
    expect(parsed).toEqual({ city: 'Oslo', temperature: -5 });
    expectAnswered(exchangesWith(bench.wire, mark));
  });

  async function toolRoundTrip(chat: Runnable<BaseLanguageModelInput, AIMessageChunk>, mark: string) {
    const question = new HumanMessage(`Weather? ${mark} ${agentScript([{ tool: 'get_weather', input: { city: 'Oslo' } }], 'Here it is.')}`);
    const call = await chat.invoke([question]);
    expect(call.tool_calls).toMatchObject([{ name: 'get_weather', args: { city: 'Oslo' } }]);
    const result = await weather.invoke(call.tool_calls![0]!);
    const answer = await chat.invoke([question, call, result]);
    expect(String(answer.content)).toContain('Here it is. Result: Sunny in Oslo');
  }
});
