import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { agentScript } from '../support/agent-script.js';
import { clientEnv, exchangesWith, expectAnswered, marker, packageBin, runAgent, useClientBench } from '../support/agent-clients.js';
import { conversation } from '../support/fake-anthropic.js';

/**
 * Codex CLI (`@openai/codex`), unmodified, at its default settings apart from
 * the provider: the Responses API with the tools Codex declares (function
 * tools, a namespace, a hosted web search), store off, history resent in
 * full on every request.
 */
// A real client's run takes seconds, and many more on a loaded machine: it gets longer than the suite's default.
vi.setConfig({ testTimeout: 180_000 });
const bench = useClientBench();
const CODEX = packageBin('@openai/codex', 'bin/codex.js');

let home: string | undefined;
function codexHome(): string {
  if (home) return home;
  home = bench.home('codex');
  const codexDir = path.join(home, '.codex');
  execFileSync('mkdir', ['-p', codexDir]);
  // The provider is the only setting a user needs (see the README); the rest
  // keep a test run off the network: no update check, no analytics, and no
  // sync of OpenAI's curated plugin catalogue from GitHub and ChatGPT.
  writeFileSync(
    path.join(codexDir, 'config.toml'),
    [
      'model = "sonnet"',
      'model_provider = "claude-code-bridge"',
      'check_for_update_on_startup = false',
      '',
      '[model_providers.claude-code-bridge]',
      'name = "Claude Code bridge"',
      `base_url = "${bench.url}/v1"`,
      'wire_api = "responses"',
      '',
      '[analytics]',
      'enabled = false',
      '',
      '[features]',
      'plugins = false',
      '',
    ].join('\n'),
  );
  execFileSync('git', ['init', '-q', path.join(home, 'project')]);
  return home;
}

async function codex(args: string[]) {
  const dir = codexHome();
  const run = await runAgent(process.execPath, [CODEX, 'exec', '--json', ...args], {
    cwd: path.join(dir, 'project'),
    env: clientEnv(dir, bench.proxy, { CODEX_HOME: path.join(dir, '.codex') }),
  });
  expect(run.code, run.stderr).toBe(0);
  return run;
}

type Item = { type: string; text?: string; command?: string; aggregated_output?: string; exit_code?: number; status?: string };
const items = (events: Array<Record<string, unknown>>) =>
  events.filter((e) => e.type === 'item.completed').map((e) => e.item as Item);
const lastMessage = (events: Array<Record<string, unknown>>) => items(events).filter((i) => i.type === 'agent_message').at(-1)?.text;

describe.sequential('Codex CLI', () => {
  test('a plain answer', async () => {
    const mark = marker('codex-plain');
    const run = await codex([`Say hello. ${mark} ${agentScript([], `Hello from Claude, ${mark}.`)}`]);
    expect(lastMessage(run.events)).toBe(`Hello from Claude, ${mark}.`);
    expect(run.events.at(-1)).toMatchObject({ type: 'turn.completed' });
    expectAnswered(exchangesWith(bench.wire, mark));
  });

  test('a shell command Claude asks for is run by Codex, and its output reaches the final answer', async () => {
    const mark = marker('codex-shell');
    const run = await codex([`List it. ${agentScript([{ tool: 'exec_command', input: { cmd: `echo ${mark}` } }], 'Ran it.')}`]);
    const command = items(run.events).find((i) => i.type === 'command_execution');
    expect(command).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(command!.aggregated_output).toContain(mark);
    expect(lastMessage(run.events)).toMatch(new RegExp(`^Ran it\\. Result: [\\s\\S]*${mark}$`));
    const exchanges = exchangesWith(bench.wire, mark);
    expectAnswered(exchanges);
    // Codex's tools as it declares them: functions, a namespace of functions, and a hosted web search (left out, and said so).
    const first = exchanges[0]!;
    expect((first.body as { tools: Array<{ type: string }> }).tools.map((t) => t.type)).toEqual(expect.arrayContaining(['function', 'namespace', 'web_search']));
    expect(String(first.headers['x-claude-code-bridge-ignored'])).toContain('tools[].web_search');
    const offered = (bench.stack.fake.lastRequest.body.tools ?? []).map((t) => t.name);
    expect(offered).toContain('mcp__client__exec_command');
    expect(offered.some((name) => name.startsWith('mcp__client__multi_agent_v1__'))).toBe(true);
  });

  test('two tool steps in one turn', async () => {
    const mark = marker('codex-steps');
    const run = await codex([
      `Two steps. ${agentScript(
        [
          { tool: 'exec_command', input: { cmd: `echo first-${mark}` } },
          { tool: 'exec_command', input: { cmd: `echo second-${mark}` } },
        ],
        'Both ran.',
      )}`,
    ]);
    const commands = items(run.events).filter((i) => i.type === 'command_execution');
    expect(commands.map((c) => c.aggregated_output?.trim())).toEqual([`first-${mark}`, `second-${mark}`]);
    expect(lastMessage(run.events)).toContain(`second-${mark}`);
    expectAnswered(exchangesWith(bench.wire, mark));
  });

  test('codex exec resume --last continues the conversation with its history', async () => {
    const mark = marker('codex-resume');
    const run = await codex(['resume', '--last', `And again? ${mark} ${agentScript([{ tool: 'exec_command', input: { cmd: `echo ${mark}` } }], 'Again.')}`]);
    expect(lastMessage(run.events)).toContain(mark);
    expectAnswered(exchangesWith(bench.wire, mark));
    // Claude sees the earlier turn, its two tool calls and their results included, as real turns.
    const turns = conversation(bench.stack.fake.lastRequest.body);
    const calls = turns.flatMap((t) => t.content.filter((b) => b.type === 'tool_use'));
    expect(calls.length).toBe(3);
    expect(JSON.stringify(turns)).toContain('first-');
  });
});
