import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FakeAnthropic, lastUserText } from '../support/fake-anthropic.js';
import { processesWithHome } from '../support/processes.js';
import { scriptedHandler } from '../support/scripted.js';
import { until } from '../support/wait.js';

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
/** Every bridge started, so that a failed test leaves none running. */
const started: ChildProcess[] = [];
afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
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

interface Bridge {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  /** Resolves once the bridge says it is stopping (it has taken the first signal). */
  stopping: Promise<void>;
}

async function startBridge(extraEnv: Record<string, string> = {}): Promise<Bridge> {
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
      // Nothing started ahead: each test's one answer is the only Claude Code process it needs (a spare or a
      // pre-started session would be a start per bridge that no test uses).
      BRIDGE_POOL_SIZE: '0',
      BRIDGE_PRESTART_MEMORY: '0',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  started.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  const stopping = new Promise<void>((resolve) =>
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('claude-code-bridge: stopping')) resolve();
    }),
  );
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
  return { child, url, exited, stopping };
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

/** Start a streamed answer; resolves once its first bytes are in, with the whole answer still to come. */
async function streamUntilFirstChunk(url: string, prompt: string): Promise<{ rest: Promise<string> }> {
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
  return { rest };
}

test('SIGTERM: no new connections, the running answer completes, the process exits cleanly with no child left', async () => {
  // The answer stops after its first words until the test has seen the bridge refuse new connections.
  let refusedSeen!: () => void;
  const refused = new Promise<void>((resolve) => (refusedSeen = resolve));
  fake.setHandler((request) =>
    lastUserText(request.body) === 'held answer'
      ? { blocks: [{ type: 'text', text: ['one', ' two', ' seven'] }], holds: [{ afterEvents: 3, until: refused }] }
      : scriptedHandler(request),
  );
  const bridge = await startBridge({ BRIDGE_SHUTDOWN_GRACE: '30' });
  const answer = await streamUntilFirstChunk(bridge.url, 'held answer');
  bridge.child.kill('SIGTERM');
  await bridge.stopping;
  await until(async () => !(await newConnectionAccepted(bridge.url)), 'new connections refused after SIGTERM');
  refusedSeen();
  const text = await answer.rest;
  expect(text).toContain('seven');
  expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  expect(await bridge.exited).toBe(0);
  expect(processesWithHome(home)).toEqual([]);
  expect(readdirSync(workRoot())).toEqual([]);
  fake.setHandler(scriptedHandler);
});

test('after the grace period, what still runs is ended with an error frame and the process exits', async () => {
  const bridge = await startBridge({ BRIDGE_SHUTDOWN_GRACE: '1' });
  // About ten seconds of answer: far beyond the grace period.
  const answer = await streamUntilFirstChunk(bridge.url, 'SLOW 800 a b c d e f g h i j k l');
  bridge.child.kill('SIGINT');
  const text = await answer.rest;
  expect(text).toContain('"shutting_down"');
  expect(text).not.toContain('[DONE]');
  expect(await bridge.exited).toBe(0);
  await until(() => processesWithHome(home).length === 0, 'no Claude Code process left');
  expect(readdirSync(workRoot())).toEqual([]);
});

test('a second signal stops at once, and still leaves no Claude Code process and no working folder behind', async () => {
  const bridge = await startBridge({ BRIDGE_SHUTDOWN_GRACE: '60' });
  const started = await streamUntilFirstChunk(bridge.url, 'SLOW 800 a b c d e f g h i j k l');
  const answer = started.rest.catch(() => 'cut');
  bridge.child.kill('SIGINT');
  // The second signal comes while the bridge is stopping, not before it has heard the first.
  await bridge.stopping;
  bridge.child.kill('SIGINT');
  expect(await bridge.exited).toBe(130);
  await answer;
  await until(() => processesWithHome(home).length === 0, 'no Claude Code process left', 3000);
  expect(readdirSync(workRoot())).toEqual([]);
});
