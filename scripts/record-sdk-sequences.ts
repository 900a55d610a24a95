/**
 * Records the message sequences the real Claude Code emits for scripted
 * upstream replies, as fixtures for the translator unit tests and the
 * in-memory tier:
 *   npx tsx scripts/record-sdk-sequences.ts [scenario …]
 * Runs offline against the fake Anthropic API used by the end-to-end tests.
 * Each run is started exactly as the bridge starts a cold run (the same
 * session and cold-run options, the same client tool server and permission
 * handler), and read as the bridge reads it: until the normalizer has the
 * whole turn. A test (test/unit/recordings-fresh.test.ts) fails when the
 * bundled Claude Code is not the version the fixtures were recorded with.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { query, type SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { promptMessage } from '../src/claude/claude-session.js';
import { CLIENT_TOOL_PREFIX } from '../src/claude/client-tools.js';
import { InputQueue } from '../src/claude/input-queue.js';
import { ProcessRegistry } from '../src/claude/process-registry.js';
import { coldOptions, endsWithToolResults, sessionOptions, startConversation } from '../src/claude/run-options.js';
import { SdkMessageNormalizer } from '../src/claude/sdk-message-normalizer.js';
import { ToolResultBroker } from '../src/claude/tool-result-broker.js';
import { Workspace } from '../src/claude/workspace.js';
import { resolveConfig } from '../src/config.js';
import { plainRequest, type OutputFormat, type ToolSpec } from '../src/core/types.js';
import { FakeAnthropic, type Reply } from '../test/support/fake-anthropic.js';

interface Scenario {
  name: string;
  reply: Reply;
  withTools?: boolean;
  /** Sign in as a subscription would (an OAuth token): Claude Code reports usage limits only then. */
  subscription?: boolean;
  /** Ask for structured output (Claude Code's StructuredOutput tool). */
  outputFormat?: OutputFormat;
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

const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+Hello, "world"\n*** End Patch';
const PATCH_JSON = JSON.stringify({ input: PATCH });

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
  { name: 'refusal', reply: { blocks: [{ type: 'text', text: ['no'] }], stopReason: 'refusal' } },
  // Text whose deltas split a stop sequence ("END") across two of them.
  { name: 'stop-text', reply: { blocks: [{ type: 'text', text: ['Hello', ' wor', 'ld EN', 'D and more', ' text'] }] } },
  {
    name: 'tool-calls-chunked',
    withTools: true,
    reply: {
      blocks: [
        { type: 'text', text: ['Checking.'] },
        { type: 'tool_use', id: 'toolu_A', name: 'mcp__client__get_weather', input: { city: 'Paris' }, chunks: ['{"ci', 'ty": "Par', 'is"}'] },
        { type: 'tool_use', id: 'toolu_B', name: 'mcp__client__get_time', input: { tz: 'UTC' } },
      ],
    },
  },
  {
    // A custom (free-form) tool as Codex declares apply_patch: its input is one string, streamed in pieces.
    name: 'custom-tool-call',
    withTools: true,
    reply: {
      blocks: [
        {
          type: 'tool_use',
          id: 'toolu_01P',
          name: 'mcp__client__apply_patch',
          input: { input: PATCH },
          chunks: [PATCH_JSON.slice(0, 20), PATCH_JSON.slice(20, 45), PATCH_JSON.slice(45)],
        },
      ],
    },
  },
  {
    name: 'namespaced-call',
    withTools: true,
    reply: { blocks: [{ type: 'tool_use', id: 'toolu_01S', name: 'mcp__client__multi_agent_v1__spawn_agent', input: {} }] },
  },
  {
    name: 'structured-output',
    outputFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object', properties: { answer: { type: 'string' }, confidence: { type: 'number' } }, required: ['answer'] } },
    reply: {
      blocks: [
        { type: 'text', text: ['Here is the JSON.'] },
        { type: 'tool_use', name: 'StructuredOutput', input: {}, chunks: ['{"answer": "42",', ' "confidence": 0.9}'] },
      ],
    },
  },
  {
    name: 'upstream-400',
    reply: { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 250000 tokens > 200000 maximum' } } },
  },
  {
    name: 'upstream-401',
    reply: { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } },
  },
  {
    name: 'upstream-529',
    reply: { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
  },
  {
    name: 'upstream-400-billing',
    reply: { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API.' } } },
  },
  {
    name: 'upstream-403',
    reply: { status: 403, body: { type: 'error', error: { type: 'permission_error', message: 'Your organization does not allow this.' } } },
  },
  {
    name: 'upstream-429',
    reply: {
      status: 429,
      headers: { 'retry-after': '7' },
      body: { type: 'error', error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' } },
    },
  },
  {
    name: 'upstream-500',
    reply: { status: 500, body: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } } },
  },
  // The answer's stream ends without its end: before any text, and after some.
  { name: 'cut-before-output', reply: { blocks: [{ type: 'text', text: ['never', ' sent'] }], cutAfterEvents: 1 } },
  { name: 'cut-mid-answer', reply: { blocks: [{ type: 'text', text: ['Hello', ' there', ' friend'] }], cutAfterEvents: 4, delayMs: 300 } },
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
    name: 'extra-usage-exhausted',
    subscription: true,
    reply: policyError(400, 'invalid_request_error', "You're out of extra usage. Add more at claude.ai/settings/usage and keep going."),
  },
  {
    name: 'credential-not-authorized',
    subscription: true,
    reply: policyError(
      400,
      'invalid_request_error',
      'This credential is only authorized for use with Claude Code and cannot be used for other API requests.',
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

/** The client tools of the tool scenario, as a client would declare them. */
const CLIENT_TOOLS: ToolSpec[] = [
  { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  { name: 'get_time', description: 'Time in a zone', parameters: { type: 'object', properties: { tz: { type: 'string' } }, required: ['tz'] } },
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
    const workRoot = path.join(home, scenario.name);
    mkdirSync(workRoot);
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
      ANTHROPIC_BASE_URL: fake.url,
      ...(scenario.subscription ? { CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-recording' } : { ANTHROPIC_API_KEY: 'sk-ant-recording' }),
    };
    // The bridge's own settings and options, as for a cold run of this request.
    const config = resolveConfig({ workRoot, port: '0', poolSize: '0', upstreamRetries: '0' }, env);
    const workspace = new Workspace(workRoot, config.childEnv);
    workspace.prepare();
    const registry = new ProcessRegistry();
    const request = plainRequest([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], {
      system: 'You are a test.',
      tools: scenario.withTools ? CLIENT_TOOLS : [],
      outputFormat: scenario.outputFormat,
    });
    const broker = new ToolResultBroker();
    const conversation = startConversation(request.turns, workspace, undefined);
    const shared = sessionOptions(config, registry, registry.handle('run'), workspace);
    const { options, prompt } = coldOptions(request, config, undefined, shared, broker, conversation, {}, '');
    const input = new InputQueue();
    input.push(promptMessage(prompt!));
    const q = query({ prompt: input, options });
    // Read as the bridge reads a run: until the normalizer has the whole turn (or the run failed).
    const normalizer = new SdkMessageNormalizer({
      clientToolPrefix: CLIENT_TOOL_PREFIX,
      upstreamRetries: config.upstreamRetries,
      clientToolsOffered: request.tools.length > 0,
      usageFromStream: endsWithToolResults(request.turns),
    });
    const messages: SDKMessage[] = [];
    try {
      for (;;) {
        const next = await q.next();
        if (next.done) break;
        messages.push(next.value);
        normalizer.push(next.value);
        if (normalizer.done) break;
      }
    } catch {
      // The normalizer throws for a failed run; the messages up to there are the fixture.
    } finally {
      input.close();
      q.close();
      await registry.drain(5_000);
      workspace.removeAllNow();
    }
    writeFileSync(new URL(`${scenario.name}.json`, out), `${JSON.stringify(messages, null, 1)}\n`);
    console.log(`${scenario.name}: ${messages.length} messages`);
  }
} finally {
  await fake.stop();
  rmSync(home, { recursive: true, force: true });
}
