import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { agentScript } from '../support/agent-script.js';
import { clientEnv, exchangesWith, expectAnswered, marker, packageBin, runAgent, useClientBench } from '../support/agent-clients.js';
import { conversation } from '../support/fake-anthropic.js';

/**
 * opencode (`opencode-ai`), unmodified, with the bridge as an
 * OpenAI-compatible provider (Chat Completions, streamed, with opencode's own
 * tools), otherwise at its default settings.
 */
// A real client's run takes seconds, and many more on a loaded machine: it gets longer than the suite's default.
vi.setConfig({ testTimeout: 180_000 });
const bench = useClientBench();
const OPENCODE = packageBin('opencode-ai', 'bin/opencode.exe');

let home: string | undefined;
function opencodeHome(): string {
  if (home) return home;
  home = bench.home('opencode');
  const configDir = path.join(home, '.config', 'opencode');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    path.join(configDir, 'opencode.json'),
    JSON.stringify(
      {
        $schema: 'https://opencode.ai/config.json',
        provider: {
          'claude-code-bridge': {
            npm: '@ai-sdk/openai-compatible',
            name: 'Claude Code bridge',
            options: { baseURL: `${bench.url}/v1` },
            models: { sonnet: { name: 'Claude Sonnet (bridge)' } },
          },
        },
        model: 'claude-code-bridge/sonnet',
        // Off the network in a test run: no sharing, no self-update.
        share: 'disabled',
        autoupdate: false,
      },
      null,
      2,
    ),
  );
  return home;
}

async function opencode(args: string[]) {
  const dir = opencodeHome();
  const run = await runAgent(OPENCODE, ['run', '--format', 'json', ...args], {
    cwd: path.join(dir, 'project'),
    env: clientEnv(dir, bench.proxy, {
      // No fetch of the models.dev catalogue, no default plugins from npm, no language servers downloaded, no update check.
      // opencode also installs its plugin SDK into its config folder in the background, from the npm registry
      // named here: a closed port on loopback, so that attempt fails at once and goes nowhere.
      NPM_CONFIG_REGISTRY: 'http://127.0.0.1:9/',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
    }),
  });
  expect(run.code, run.stderr).toBe(0);
  expect(run.events.filter((e) => e.type === 'error')).toEqual([]);
  return run;
}

type Part = { type?: string; text?: string; tool?: string; state?: { status?: string; output?: string } };
const parts = (events: Array<Record<string, unknown>>, type: string) => events.filter((e) => e.type === type).map((e) => e.part as Part);
const finalText = (events: Array<Record<string, unknown>>) => parts(events, 'text').at(-1)?.text;

describe.sequential('opencode', () => {
  let session: string | undefined;
  test("its bash tool, run by opencode, with the output in Claude's answer", async () => {
    const mark = marker('opencode-bash');
    const run = await opencode([`Print it. ${agentScript([{ tool: 'bash', input: { command: `echo ${mark}`, description: 'Print the marker' } }], 'Printed.')}`]);
    const bash = parts(run.events, 'tool_use').find((p) => p.tool === 'bash');
    expect(bash?.state).toMatchObject({ status: 'completed' });
    expect(bash!.state!.output).toContain(mark);
    expect(finalText(run.events)).toBe(`Printed. Result: ${mark}`);
    expectAnswered(exchangesWith(bench.wire, mark));
    session = run.events.find((e) => typeof e.sessionID === 'string')?.sessionID as string;
  });

  // A plain answer too: opencode's first turn here is a tool step, its second one text alone.
  test('a second turn in the same session, answered with text alone', async () => {
    expect(session).toBeDefined();
    const mark = marker('opencode-again');
    const run = await opencode(['--session', session!, `And now? ${agentScript([], `Second turn, ${mark}.`)}`]);
    expect(finalText(run.events)).toBe(`Second turn, ${mark}.`);
    expectAnswered(exchangesWith(bench.wire, mark));
    // The first turn, its tool call and result included, reaches Claude as real turns.
    const turns = conversation(bench.stack.fake.lastRequest.body);
    expect(turns.flatMap((t) => t.content.map((b) => b.type))).toEqual(expect.arrayContaining(['tool_use', 'tool_result']));
  });
});
