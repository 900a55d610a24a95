/**
 * Records the message sequences the real Claude Code emits for scripted
 * upstream replies, as fixtures for the translator unit tests:
 *   npx tsx scripts/record-sdk-sequences.ts
 * Runs offline against the fake Anthropic API used by the end-to-end tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSdkMcpServer, query, tool, type SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { z } from 'zod';
import { FakeAnthropic, type Reply } from '../test/support/fake-anthropic.js';

interface Scenario {
  name: string;
  reply: Reply;
  withTools?: boolean;
  /** Stop reading after this many api_retry messages (the CLI would go on retrying). */
  stopAfterRetries?: number;
}

const scenarios: Scenario[] = [
  { name: 'text', reply: { blocks: [{ type: 'text', text: ['Hello', ' world'] }], usage: { input_tokens: 20, output_tokens: 5, cache_read_input_tokens: 4 } } },
  {
    name: 'thinking-text',
    reply: { blocks: [{ type: 'thinking', thinking: ['Let me ', 'think.'] }, { type: 'text', text: ['Answer.'] }] },
  },
  {
    name: 'tool-calls',
    withTools: true,
    reply: {
      blocks: [
        { type: 'text', text: ['Checking.'] },
        { type: 'tool_use', id: 'toolu_01A', name: 'mcp__client__get_weather', input: { city: 'Paris' }, chunks: ['{"city":', '"Paris"}'] },
        { type: 'tool_use', id: 'toolu_01B', name: 'mcp__client__get_time', input: { tz: 'CET' } },
      ],
    },
  },
  { name: 'max-tokens', reply: { blocks: [{ type: 'text', text: ['cut', ' off'] }], stopReason: 'max_tokens' } },
  {
    name: 'upstream-400',
    reply: { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 250000 tokens > 200000 maximum' } } },
  },
  {
    name: 'upstream-401',
    stopAfterRetries: 1,
    reply: { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } },
  },
  {
    name: 'upstream-529',
    stopAfterRetries: 1,
    reply: { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
  },
];

const fake = new FakeAnthropic();
await fake.start();
const home = mkdtempSync(path.join(os.tmpdir(), 'ccb-record-'));
const out = new URL('../test/fixtures/sdk-sequences/', import.meta.url);
try {
  for (const scenario of scenarios) {
    fake.reset();
    fake.reply(scenario.reply);
    const cwd = mkdtempSync(path.join(home, 'cwd-'));
    const clientTools = createSdkMcpServer({
      name: 'client',
      tools: [
        tool('get_weather', 'Weather for a city', { city: z.string() }, async () => ({ content: [] })),
        tool('get_time', 'Time in a zone', { tz: z.string() }, async () => ({ content: [] })),
      ],
    });
    const q = query({
      prompt: 'Hi',
      options: {
        cwd,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
          ANTHROPIC_BASE_URL: fake.url,
          ANTHROPIC_API_KEY: 'sk-ant-recording',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        },
        includePartialMessages: true,
        systemPrompt: 'You are a test.',
        tools: [],
        settingSources: [],
        persistSession: false,
        ...(scenario.withTools
          ? {
              mcpServers: { client: clientTools },
              canUseTool: async () => ({ behavior: 'deny' as const, message: 'handed back', interrupt: true }),
            }
          : {}),
      },
    });
    const messages: SDKMessage[] = [];
    let retries = 0;
    try {
      for await (const message of q) {
        messages.push(message);
        if (message.type === 'system' && message.subtype === 'api_retry' && ++retries >= (scenario.stopAfterRetries ?? Infinity)) break;
      }
    } catch {
      // error results make the SDK throw after the result message; the messages are what matter
    } finally {
      q.close();
    }
    writeFileSync(new URL(`${scenario.name}.json`, out), `${JSON.stringify(messages, null, 1)}\n`);
    console.log(`${scenario.name}: ${messages.length} messages`);
  }
} finally {
  await fake.stop();
  rmSync(home, { recursive: true, force: true });
}
