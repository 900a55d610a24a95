import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { bundledExecutablePath } from '../../src/claude/executable.js';
import { agentScript } from '../support/agent-script.js';
import { clientEnv, exchangesWith, expectAnswered, marker, runAgent, useClientBench } from '../support/agent-clients.js';
import { conversation, systemText } from '../support/fake-anthropic.js';

/**
 * Claude Code itself as a client of the bridge's Messages API
 * (`ANTHROPIC_BASE_URL`), unmodified: the executable that comes with the
 * Agent SDK, in print mode with its own tools allowed.
 */
// A real client's run takes seconds, and many more on a loaded machine: it gets longer than the suite's default.
vi.setConfig({ testTimeout: 180_000 });
const bench = useClientBench();
const CLAUDE = bundledExecutablePath()!;

let home: string | undefined;
function claudeHome(): string {
  home ??= bench.home('claude-code');
  return home;
}

async function claude(args: string[]) {
  const dir = claudeHome();
  const run = await runAgent(CLAUDE, ['-p', '--output-format', 'stream-json', '--verbose', ...args], {
    cwd: path.join(dir, 'project'),
    env: clientEnv(dir, bench.proxy, {
      CLAUDE_CONFIG_DIR: path.join(dir, '.claude'),
      ANTHROPIC_BASE_URL: bench.url,
      ANTHROPIC_API_KEY: 'any-key-the-bridge-does-not-check',
      // No telemetry, error reports or update checks.
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      DISABLE_AUTOUPDATER: '1',
    }),
  });
  expect(run.code, run.stderr).toBe(0);
  const result = run.events.find((e) => e.type === 'result');
  expect(result).toMatchObject({ is_error: false });
  return { ...run, result: String(result!.result) };
}

type Block = { type: string; text?: string; thinking?: string; name?: string };
const assistantBlocks = (events: Array<Record<string, unknown>>) =>
  events.filter((e) => e.type === 'assistant').flatMap((e) => (e.message as { content: Block[] }).content);

describe.sequential('Claude Code', () => {
  test('a plain answer, with nothing of the bridge refused or of Claude Code passed off as prompt', async () => {
    const mark = marker('claude-plain');
    const run = await claude(['--', `Say hello. ${mark} ${agentScript([], `Hello from Claude, ${mark}.`)}`]);
    expect(run.result).toBe(`Hello from Claude, ${mark}.`);
    const exchanges = exchangesWith(bench.wire, mark);
    // Streamed, with its beta thinking display, on the first try: no 400 and retry without them.
    expectAnswered(exchanges);
    expect(exchanges).toHaveLength(1);
    expect(String(exchanges[0]!.headers['x-claude-code-bridge-ignored'])).toContain('thinking.display');
    // Claude Code's billing line is accounting, not prompt: Claude sees the bridge's own, once.
    const system = systemText(bench.stack.fake.lastRequest.body);
    expect(system.match(/x-anthropic-billing-header/g)).toHaveLength(1);
    expect(system).not.toContain('cc_entrypoint=sdk-cli');
  });

  test('its Bash tool, run by Claude Code, with the output in the answer', async () => {
    const mark = marker('claude-bash');
    const run = await claude(['--allowedTools', 'Bash', '--', `Print it. ${agentScript([{ tool: 'Bash', input: { command: `echo ${mark}`, description: 'Print the marker' } }], 'Printed.')}`]);
    expect(assistantBlocks(run.events).find((b) => b.type === 'tool_use')).toMatchObject({ name: 'Bash' });
    expect(run.result).toBe(`Printed. Result: ${mark}`);
    expectAnswered(exchangesWith(bench.wire, mark));
  });

  test('--continue carries the conversation on, and thinking comes back as thinking', async () => {
    const mark = marker('claude-continue');
    const run = await claude(['--continue', '--', `And now? ${agentScript([], `Continued, ${mark}.`, 'Weighing what was printed.')}`]);
    expect(run.result).toBe(`Continued, ${mark}.`);
    expect(assistantBlocks(run.events).filter((b) => b.type === 'thinking').map((b) => b.thinking)).toEqual(['Weighing what was printed.']);
    expectAnswered(exchangesWith(bench.wire, mark));
    const turns = conversation(bench.stack.fake.lastRequest.body);
    expect(turns.flatMap((t) => t.content.map((b) => b.type))).toEqual(expect.arrayContaining(['tool_use', 'tool_result']));
  });

  test('no answer to Claude Code was a 4xx', () => {
    expect(bench.wire.exchanges.length).toBeGreaterThan(0);
    expect(bench.wire.failures).toEqual([]);
  });
});
