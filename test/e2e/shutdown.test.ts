import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { processesWithHome } from '../support/processes.js';
import { scriptedHandler } from '../support/scripted.js';

/** The built server, run as its own process the way users start it, stopped with signals. */
const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
let fake: FakeAnthropic;
let home: string;
/** Where the bridge makes its working folders: empty whenever no bridge runs. */
const workRoot = () => path.join(home, 'work');

beforeAll(async () => {
  fake = new FakeAnthropic();
  await fake.start();
  fake.setHandler(scriptedHandler);
  home = mkdtempSync(path.join(os.tmpdir(), 'ccb-shutdown-'));
  mkdirSync(workRoot());
});
afterAll(async () => {
  await fake.stop();
  rmSync(home, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startBridge(extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [cli], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'sk-ant-fake',
      PORT: String(port),
      BRIDGE_WORK_ROOT: workRoot(),
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the bridge did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, exited };
}

/**
 * Whether a new connection is accepted. fetch() would reuse a pooled
 * keep-alive connection of an earlier request, which a closing server may
 * still be answering on, and the test would be about the pool's timing.
 */
function newConnectionAccepted(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/health`, { agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
  });
}

async function streamUntilFirstChunk(url: string, prompt: string) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'haiku', stream: true, messages: [{ role: 'user', content: prompt }] }),
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value);
  const rest = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += decoder.decode(value);
    }
  })();
  return rest;
}

test('SIGTERM: no new connections, the running answer completes, the process exits cleanly with no child left', async () => {
  const bridge = await startBridge({ BRIDGE_SHUTDOWN_GRACE: '30' });
  const answer = streamUntilFirstChunk(bridge.url, 'SLOW 300 one two three four five six seven');
  await new Promise((r) => setTimeout(r, 300));
  bridge.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  expect(await newConnectionAccepted(bridge.url)).toBe(false);
  const text = await answer;
  expect(text).toContain('seven');
  expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  expect(await bridge.exited).toBe(0);
  expect(processesWithHome(home)).toEqual([]);
  expect(readdirSync(workRoot())).toEqual([]);
});

test('after the grace period, what still runs is ended with an error frame and the process exits', async () => {
  const bridge = await startBridge({ BRIDGE_SHUTDOWN_GRACE: '1' });
  const answer = streamUntilFirstChunk(bridge.url, 'SLOW 800 a b c d e f g h i j k l');
  await new Promise((r) => setTimeout(r, 300));
  const signalled = Date.now();
  bridge.child.kill('SIGINT');
  const text = await answer;
  expect(text).toContain('"shutting_down"');
  expect(text).not.toContain('[DONE]');
  expect(await bridge.exited).toBe(0);
  expect(Date.now() - signalled).toBeLessThan(10_000);
  await new Promise((r) => setTimeout(r, 200));
  expect(processesWithHome(home)).toEqual([]);
  expect(readdirSync(workRoot())).toEqual([]);
});

test('a second signal stops at once, and still leaves no Claude Code process and no working folder behind', async () => {
  const bridge = await startBridge({ BRIDGE_SHUTDOWN_GRACE: '60' });
  const answer = streamUntilFirstChunk(bridge.url, 'SLOW 800 a b c d e f g h i j k l').catch(() => 'cut');
  await new Promise((r) => setTimeout(r, 300));
  bridge.child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 200));
  bridge.child.kill('SIGINT');
  expect(await bridge.exited).toBe(130);
  await answer;
  const deadline = Date.now() + 3000;
  while (processesWithHome(home).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(processesWithHome(home)).toEqual([]);
  expect(readdirSync(workRoot())).toEqual([]);
});
