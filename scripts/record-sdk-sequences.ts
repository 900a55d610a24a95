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
  /** Sign in as a subscription would (an OAuth token): Claude Code reports usage limits only then. */
  subscription?: boolean;
}

const inAnHour = () => String(Math.floor(Date.now() / 1000) + 3600);
const inThreeDays = () => String(Math.floor(Date.now() / 1000) + 3 * 86_400);
/** Anthropic's usage-limit headers, as a subscription login gets them. */
const limitHeaders = (status: string, overage: string): Record<string, string> => ({
  'request-id': 'req_recorded_1',
  'anthropic-ratelimit-unified-status': status,
  'anthropic-ratelimit-unified-reset': inAnHour(),
  'anthropic-ratelimit-unified-representative-claim': 'five_hour',
  'anthropic-ratelimit-unified-5h-utilization': '0.97',
  'anthropic-ratelimit-unified-5h-reset': inAnHour(),
  'anthropic-ratelimit-unified-7d-utilization': '0.41',
  'anthropic-ratelimit-unified-7d-reset': inThreeDays(),
  'anthropic-ratelimit-unified-overage-status': overage,
});
const policyError = (status: number, type: string, message: string): Reply => ({
  status,
  headers: { 'request-id': 'req_recorded_1' },
  body: { type: 'error', error: { type, message }, request_id: 'req_recorded_1' },
});

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
  {
    name: 'extra-usage-required',
    subscription: true,
    reply: policyError(
      400,
      'invalid_request_error',
      "Third-party apps now draw from your extra usage, not your plan limits. We've added a $100 credit to get you started. Claim it at claude.ai/settings/usage and keep going.",
    ),
  },
  {
    name: 'long-context-extra-usage',
    subscription: true,
    reply: policyError(429, 'rate_limit_error', 'Extra usage is required for long context requests.'),
  },
  {
    name: 'usage-limit-reached',
    subscription: true,
    reply: {
      ...policyError(429, 'rate_limit_error', "This request would exceed your account's rate limit. Please try again later."),
      headers: limitHeaders('rejected', 'rejected'),
    },
  },
  {
    name: 'rate-limit-overage',
    subscription: true,
    reply: { blocks: [{ type: 'text', text: ['Hello'] }], headers: limitHeaders('rejected', 'allowed') },
  },
];

// Names on the command line record only those scenarios (the others' fixtures stay as they are).
const only = process.argv.slice(2);
const fake = new FakeAnthropic();
await fake.start();
const home = mkdtempSync(path.join(os.tmpdir(), 'ccb-record-'));
const out = new URL('../test/fixtures/sdk-sequences/', import.meta.url);
try {
  for (const scenario of scenarios) {
    if (only.length > 0 && !only.includes(scenario.name)) continue;
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
          ...(scenario.subscription ? { CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-recording' } : { ANTHROPIC_API_KEY: 'sk-ant-recording' }),
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
