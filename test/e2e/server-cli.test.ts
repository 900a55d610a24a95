import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SETTINGS, shownDefault } from '../../src/config.js';
import { BRIDGE_CLI, LiveProcess, fakeClaudeEnv, runNode } from '../support/cli-process.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { descendants, waitForGone } from '../support/processes.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let fake: FakeAnthropic;
let home: string;
let env: Record<string, string>;
beforeAll(async () => {
  fake = new FakeAnthropic();
  await fake.start();
  home = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-server-cli-'));
  env = fakeClaudeEnv(fake.url, home);
});
afterAll(async () => {
  await fake?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const bridge = (args: string[], extraEnv: Record<string, string> = {}) =>
  runNode(BRIDGE_CLI, args, { env: { ...env, ...extraEnv } });

describe('claude-code-bridge --help and --version', () => {
  test('--help lists every setting with its flag, variable and default, and the doctor command', async () => {
    const { code, stdout } = await bridge(['--help']);
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, ' ');
    for (const spec of SETTINGS) {
      expect(help, spec.flag).toContain(`${spec.flag}${spec.arg ? ` ${spec.arg}` : ''} ${spec.description}`);
      expect(help, spec.flag).toContain(`(env ${spec.env}; default ${shownDefault(spec)})`);
    }
    expect(help).toMatch(/doctor \[options\] Check the Claude Code executable/);
    expect(help).toContain('a flag wins over the variable');
  });

  test('--version prints the package version', async () => {
    const { code, stdout } = await bridge(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });
});

describe('refusals at start-up', () => {
  test.each([
    [['--port', 'eighty'], {}, /Invalid --port: must be a whole number from 0 to 65535, got "eighty"/],
    [[], { PORT: '70000' }, /Invalid PORT: must be a whole number/],
    [[], { BRIDGE_VERBOSE: 'maybe' }, /Invalid BRIDGE_VERBOSE: must be true or false/],
    [['--models-cache', '-5'], {}, /Invalid --models-cache/],
    [['--host', ''], {}, /Invalid --host: must not be empty/],
    [['--port'], {}, /option '--port <port>' argument missing/],
    [['--prot', '9000'], {}, /unknown option '--prot'/],
  ])('%j %j is refused with exit code 2, naming the setting', async (args, extraEnv, message) => {
    const { code, stdout, stderr } = await bridge(args, extraEnv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  test('a --work-root that does not exist stops the start-up with exit code 1, naming the setting, not the port', async () => {
    const missing = path.join(home, 'no-such-folder');
    const { code, stderr } = await bridge(['--port', '0', '--work-root', missing]);
    expect(code).toBe(1);
    expect(stderr).toContain(`--work-root (BRIDGE_WORK_ROOT): the folder ${missing} does not exist`);
    expect(stderr).not.toMatch(/listen|--host|--port/);
  });

  test('a --log-dir that cannot be written stops the start-up with exit code 1, naming the setting', async () => {
    // A file where the folder should be: refused whoever runs the test (root ignores permission bits).
    const file = path.join(home, 'a-file');
    writeFileSync(file, 'not a folder');
    const { code, stderr } = await bridge(['--port', '0', '--log-dir', file], { BRIDGE_WORK_ROOT: home });
    expect(code).toBe(1);
    expect(stderr).toContain(`--log-dir (BRIDGE_LOG_DIR): ${file} is not a folder`);
    expect(stderr).not.toMatch(/listen|--host|--port/);
    const { code: envCode, stderr: envStderr } = await bridge(['--port', '0'], { BRIDGE_LOG_DIR: path.join(file, 'logs') });
    expect(envCode).toBe(1);
    expect(envStderr).toContain('--log-dir (BRIDGE_LOG_DIR)');
  });

  test('a port in use is refused with exit code 1 and what to do', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { code, stderr } = await bridge(['--port', String(port)]);
      expect(code).toBe(1);
      expect(stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(stderr).toMatch(/choose another port with --port <n> \(or PORT=<n>\)/);
    } finally {
      blocker.close();
    }
  });
});

describe('a running server', () => {
  test('prints the banner on stderr, serves, and stops cleanly on SIGTERM', async () => {
    // PORT from the environment beats the default; --host beats HOST.
    const server = new LiveProcess(process.execPath, [BRIDGE_CLI, '--host', '127.0.0.1'], {
      ...env,
      PORT: '0',
      HOST: 'not an address',
    });
    try {
      await server.expect('Stop it with Ctrl-C.', 30_000);
      const banner = server.output;
      const url = /URL +(http:\/\/127\.0\.0\.1:(\d+)\/v1)/.exec(banner);
      expect(url, banner).not.toBeNull();
      expect(Number(url![2])).not.toBe(8000);
      expect(banner).toContain(`claude-code-bridge ${version} is listening`);
      expect(banner).toMatch(/Auth +off: no API key is checked/);
      expect(banner).toMatch(/Claude Code +\d+\.\d+\.\d+\S* \(bundled\)/);
      expect(banner).toMatch(/Login +API key from ANTHROPIC_API_KEY, not confirmed yet/);
      // Asked of Claude Code itself, with the full ids the aliases stand for.
      expect(banner).toMatch(/Models +.*sonnet \(claude-sonnet-[\d-]+\).*haiku \(claude-haiku-/);
      expect(banner).toMatch(/Limits +\S/);
      expect(banner).not.toContain('sk-ant-fake-key-for-tests');
      // Nothing on stdout: everything above came from stderr.
      let stdout = '';
      server.child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));

      const openai = new OpenAI({ baseURL: url![1], apiKey: 'unused', maxRetries: 0 });
      const reply = await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'ping' }] });
      expect(reply.choices[0]!.message.content).toBe('Echo: ping');
      expect(stdout).toBe('');
      // Quiet by default: no line per request.
      expect(server.output).not.toContain('"msg":"request"');

      const children = descendants(server.child.pid!);
      const { code } = await server.stop('SIGTERM');
      expect(code).toBe(0);
      expect(server.output).toContain('claude-code-bridge: stopping');
      await waitForGone(children);
    } finally {
      await server.stop('SIGKILL');
    }
  });

  test('--verbose logs one structured line per request on stderr, without the API key', async () => {
    const key = 'sk-bridge-secret-for-the-log-test';
    // Nothing started ahead: this test is about the log, and each such process is a Claude Code start.
    const server = new LiveProcess(process.execPath, [BRIDGE_CLI, '--verbose', '--port', '0', '--api-key', key, '--pool-size', '0', '--prestart-memory', '0'], env);
    try {
      await server.expect('Stop it with Ctrl-C.', 30_000);
      const url = /URL +(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(server.output)![1]!;
      const openai = new OpenAI({ baseURL: url, apiKey: key, maxRetries: 0 });
      await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'log me' }] });
      const record = JSON.parse(await server.expect(/\{[^\n]*"msg":"request"[^\n]*\}/, 10_000)) as Record<string, unknown>;
      expect(record).toMatchObject({ endpoint: 'POST /v1/chat/completions', status: 200, level: 30 });
      expect(typeof record.id).toBe('string');
      expect(typeof record.ms).toBe('number');
      expect(String(record.model)).toMatch(/^claude-sonnet-/);
      expect(server.output).not.toContain(key);
      expect((await server.stop('SIGTERM')).code).toBe(0);
    } finally {
      await server.stop('SIGKILL');
    }
  });
});
