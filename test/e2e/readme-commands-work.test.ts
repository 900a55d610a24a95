import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LiveProcess, fakeClaudeEnv, runCommand } from '../support/cli-process.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { alive, descendants } from '../support/processes.js';

// The README's two commands, run as a user runs them, in this checkout.
const repo = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');

/** The README's shell blocks, line by line. */
const shellLines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').map((l) => l.trim()));

/** npm's own environment, without the settings of the `npm test` that runs this file. */
function npmEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^npm_/i.test(name)) env[name] = value;
  }
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

let fake: FakeAnthropic;
let home: string;
let server: LiveProcess | undefined;
beforeAll(async () => {
  fake = new FakeAnthropic();
  await fake.start();
  home = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-readme-'));
});
afterAll(async () => {
  if (server) for (const pid of [...descendants(server.child.pid!).reverse(), server.child.pid!]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await fake?.stop();
  rmSync(home, { recursive: true, force: true });
});

test('the README gives both commands', () => {
  expect(shellLines).toContain('npm ci && npm start');
  expect(shellLines).toContain('npm ci && npm test');
});

test('npm ci: package.json and its lockfile agree, so a clean install can run', async () => {
  // A dry run makes the same check `npm ci` makes before it installs anything.
  const ci = await runCommand('npm', ['ci', '--dry-run', '--ignore-scripts'], { env: npmEnv(), cwd: repo, timeoutMs: 60_000 });
  expect(ci.code, ci.stderr).toBe(0);
});

test('npm start: the server starts, answers, and stops cleanly', { timeout: 120_000 }, async () => {
  // Built already by `npm test`, which is what prestart does; the port is the README's, made free.
  const env = fakeClaudeEnv(fake.url, home, { PORT: '0' });
  // Only what a user's shell would have: no setting of the test runner's own reaches the server.
  server = new LiveProcess('npm', ['--prefix', repo, 'start', '--ignore-scripts'], { ...env, npm_config_update_notifier: 'false' });
  await server.expect('Stop it with Ctrl-C.', 60_000);
  const url = /URL +(\S+)/.exec(server.output)![1]!;
  const answer = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'haiku', messages: [{ role: 'user', content: 'started by npm start' }] }),
  });
  expect(answer.status).toBe(200);
  expect(((await answer.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('Echo: started by npm start');
  // npm does not pass a signal on to its script: stop the server itself, as Ctrl-C in the terminal would.
  // The node process itself, not the shell npm runs it from.
  const bridge = descendants(server.child.pid!).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[1] === 'dist/cli.js');
  expect(bridge).toBeDefined();
  process.kill(bridge!, 'SIGTERM');
  expect((await server.exited).code).toBe(0);
});

test("npm test is what CI runs, and it runs every test file", () => {
  const ci = readFileSync(path.join(repo, '.ci/run'), 'utf8');
  expect(ci).toMatch(/^npm ci$/m);
  expect(ci).toMatch(/^npm test$/m);
  const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  // No file filter after `vitest run`: the configuration's include decides, and it is every test file.
  expect(pkg.scripts.test).toMatch(/vitest run$/);
});
