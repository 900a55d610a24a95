import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LiveProcess, fakeClaudeEnv, runCommand } from '../support/cli-process.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';

/**
 * The package as people get it: packed from a clean copy of the sources (so
 * the build on prepare runs, and nothing stale in this checkout's dist/ can slip
 * in), installed globally into a temporary prefix, and used from there.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { name: string; version: string };

let work: string;
let fake: FakeAnthropic;
let server: LiveProcess | undefined;
beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-package-'));
  fake = new FakeAnthropic();
  await fake.start();
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  await fake?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** npm's own environment, without the settings of the `npm test` that runs this file. */
function npmEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^npm_/i.test(name)) env[name] = value;
  }
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

interface PackedFile {
  path: string;
  mode: number;
}

test('npm pack → npm install -g → both commands work from the install', { timeout: 300_000 }, async () => {
  const source = path.join(work, 'source');
  mkdirSync(source);
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts', 'README.md', 'docs', 'LICENSE']) {
    cpSync(path.join(repo, entry), path.join(source, entry), { recursive: true });
  }
  symlinkSync(path.join(repo, 'node_modules'), path.join(source, 'node_modules'), 'dir');

  const packed = await runCommand('npm', ['pack', '--json', '--pack-destination', work], { env: npmEnv(), cwd: source, timeoutMs: 120_000 });
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: PackedFile[] }>;
  const files = info!.files.map((f) => f.path).sort();
  // Only what running it needs: compiled JavaScript, the status page's files, the README and docs, the licence, package.json.
  for (const file of files) expect(file).toMatch(/^(dist\/.+\.js|dist\/page\/.+\.(html|css|svg)|README\.md|docs\/[\w-]+\.md|LICENSE|package\.json)$/);
  for (const file of ['dist/page/index.html', 'dist/page/style.css', 'dist/page/main.js']) expect(files).toContain(file);
  const bins = ['dist/cli.js', 'dist/client/cli.js'];
  for (const bin of bins) {
    const entry = info!.files.find((f) => f.path === bin);
    expect(entry, bin).toBeDefined();
    expect(entry!.mode & 0o111, `${bin} is executable`).not.toBe(0);
  }

  const prefix = path.join(work, 'prefix');
  const installed = await runCommand(
    'npm',
    ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(work, info!.filename)],
    { env: npmEnv(), cwd: work, timeoutMs: 120_000 },
  );
  expect(installed.code, installed.stderr).toBe(0);
  const installedRoot = path.join(prefix, 'lib', 'node_modules', pkg.name);
  for (const bin of bins) expect(readFileSync(path.join(installedRoot, bin), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);

  const home = path.join(work, 'home');
  mkdirSync(home);
  const env = fakeClaudeEnv(fake.url, home);
  const bridgeBin = path.join(prefix, 'bin', 'claude-code-bridge');
  const clientBin = path.join(prefix, 'bin', 'claude-code-client');

  const version = await runCommand(bridgeBin, ['--version'], { env });
  expect(version.stdout.trim()).toBe(pkg.version);
  const help = await runCommand(bridgeBin, ['--help'], { env });
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Usage: claude-code-bridge');
  const clientHelp = await runCommand(clientBin, ['--help'], { env });
  expect(clientHelp.code).toBe(0);
  expect(clientHelp.stdout).toContain('Usage: claude-code-client');

  // The Claude Code executable that came with the install is the one used.
  const doctor = await runCommand(bridgeBin, ['doctor', '--port', '0'], { env, timeoutMs: 45_000 });
  expect(doctor.code, doctor.stdout).toBe(0);
  expect(doctor.stdout).toContain(`(${path.join(installedRoot, 'node_modules')}`);

  // The installed server answers the installed client.
  server = new LiveProcess(bridgeBin, ['--port', '0'], env);
  await server.expect('Stop it with Ctrl-C.', 30_000);
  const url = /URL +(\S+)/.exec(server.output)![1]!;
  const answer = await runCommand(clientBin, ['Hello from the installed client'], { env: { ...env, BRIDGE_URL: url } });
  expect(answer.code, answer.stderr).toBe(0);
  expect(answer.stdout).toBe('Echo: Hello from the installed client\n');
  // The status page is served from the installed package, its parser from the installed dependency.
  const origin = url.replace(/\/v1$/, '');
  const page = await fetch(`${origin}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('/bridge/ui/main.js');
  for (const asset of ['main.js', 'style.css', 'vendor/eventsource-parser.js']) {
    expect((await fetch(`${origin}/bridge/ui/${asset}`)).status, asset).toBe(200);
  }
  expect((await server.stop('SIGTERM')).code).toBe(0);
});
