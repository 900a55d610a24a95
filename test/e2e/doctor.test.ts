import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { BRIDGE_CLI, fakeClaudeEnv, runNode } from '../support/cli-process.js';
import { FakeAnthropic, lastUserText } from '../support/fake-anthropic.js';

let fake: FakeAnthropic;
let home: string;
beforeAll(async () => {
  fake = new FakeAnthropic();
  await fake.start();
  home = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-doctor-'));
});
afterAll(async () => {
  await fake?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

function doctor(args: string[] = []) {
  const env = fakeClaudeEnv(fake.url, home, { BRIDGE_WORK_ROOT: home });
  return runNode(BRIDGE_CLI, ['doctor', '--port', '0', ...args], { env, timeoutMs: 45_000 });
}

/** A port that something else holds for the duration of `use`. */
async function withBusyPort<T>(server: net.Server, use: (port: number) => Promise<T>): Promise<T> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use((server.address() as net.AddressInfo).port);
  } finally {
    // doctor knocks to see whether a bridge answers; that connection must not keep the port open.
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('claude-code-bridge doctor', () => {
  test('a working set-up passes every check with one tiny real request, and exits 0', async () => {
    const { code, stdout, stderr } = await doctor();
    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toMatch(/^✓ Node\.js \d+/m);
    expect(stdout).toMatch(/^✓ Claude Code \d+\.\d+\.\d+\S* \(\/.+claude\)$/m);
    expect(stdout).toMatch(/^✓ Login: API key from ANTHROPIC_API_KEY; a test request succeeded \(claude-[\w-]+, [\d.]+ s\)$/m);
    expect(stdout).toMatch(/^✓ Port: any free one on 127\.0\.0\.1/m);
    expect(stdout).toContain('All checks passed');
    expect(stdout).not.toContain('sk-ant-fake-key-for-tests');
    // The login is proven by Claude answering: exactly one small request reached it.
    expect(fake.messageRequests).toHaveLength(1);
    expect(lastUserText(fake.lastRequest.body)).toBe('Reply with the single word: ok');
  });

  test('a refused login is reported with how to fix it, exit 1', async () => {
    fake.reply({ status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } });
    const { code, stdout } = await doctor();
    expect(code).toBe(1);
    expect(stdout).toMatch(/^✗ Login: not logged in, Claude refused the login \(API key from ANTHROPIC_API_KEY\)$/m);
    expect(stdout).toMatch(/^ {4}fix: check the key in ANTHROPIC_API_KEY, or unset it to use your `claude login` instead$/m);
    expect(stdout).toMatch(/^✓ Claude Code/m);
    expect(stdout).toContain('1 problem found.');
  });

  test('a --claude-path that does not exist is reported, and the login is not tried', async () => {
    const { code, stdout } = await doctor(['--claude-path', path.join(home, 'no-such-claude')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^✗ Claude Code executable not found$/m);
    expect(stdout).toContain(`The configured Claude Code executable ${path.join(home, 'no-such-claude')} does not exist.`);
    expect(stdout).toMatch(/fix: check --claude-path \(or BRIDGE_CLAUDE_PATH\)/);
    expect(stdout).toMatch(/^- Login: not checked/m);
    expect(fake.messageRequests).toHaveLength(0);
  });

  test('a port in use is reported with how to choose another, exit 1', async () => {
    await withBusyPort(net.createServer(), async (port) => {
      const { code, stdout } = await doctor(['--port', String(port)]);
      expect(code).toBe(1);
      expect(stdout).toMatch(new RegExp(`^✗ Port: port ${port} on 127\\.0\\.0\\.1 is already in use$`, 'm'));
      expect(stdout).toMatch(/fix: stop whatever listens on 127\.0\.0\.1:\d+, or choose another port with --port <n> \(or PORT=<n>\)/);
      expect(stdout).toMatch(/^✓ Login/m);
    });
  });

  test('a port held by a running bridge says so', async () => {
    // Stands in for a bridge started earlier: it answers /health as the bridge does.
    const earlier = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', bridge: { version: '9.8.7' } }));
    });
    await withBusyPort(earlier, async (port) => {
      const { code, stdout } = await doctor(['--port', String(port), '--claude-path', path.join(home, 'absent')]);
      expect(code).toBe(1);
      expect(stdout).toContain('a claude-code-bridge 9.8.7 is already running there');
    });
  });
});
