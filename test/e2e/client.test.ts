import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RunSpec } from '../../src/core/ports.js';
import { CLIENT_CLI, runCommand, runNode, shellQuote, type RunOptions } from '../support/cli-process.js';
import { lastUserText } from '../support/fake-anthropic.js';
import { inMemoryBridge, type InMemoryBridge } from '../support/in-memory-bridge.js';
import { serveInMemory, type ServedBridge } from '../support/in-memory-server.js';
import { startStack, type Stack } from '../support/stack.js';

// The client CLI is a separate process that speaks HTTP. One question goes
// through the real bridge and Claude Code (streamed as Claude sends it); the
// rest is about the CLI itself (its input, flags, output and exit codes), so
// it talks to the bridge's own HTTP stack with recorded runs replayed
// (test/support/in-memory-server.ts), which starts no Claude Code and lets
// each test see what the bridge was asked to run.
let stack: Stack;
let bridge: InMemoryBridge;
let served: ServedBridge;
let home: string;
beforeAll(async () => {
  stack = await startStack();
  bridge = await inMemoryBridge();
  served = await serveInMemory(bridge);
  home = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-client-'));
});
afterAll(async () => {
  await served?.close();
  await stack?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});
beforeEach(() => {
  stack.fake.reset();
  bridge.runner.reset();
});

/** The client's environment: the bridge's URL, and nothing from the developer's shell. */
function clientEnv(extra: Record<string, string> = {}, url = served.url): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, BRIDGE_URL: url, ...extra };
}

function client(args: string[], options: Partial<RunOptions> = {}) {
  return runNode(CLIENT_CLI, args, { env: clientEnv(), ...options, ...(options.env ? { env: clientEnv(options.env) } : {}) });
}

/** The one run the bridge was asked for. */
function theRun(): RunSpec {
  expect(bridge.runner.runs).toHaveLength(1);
  return bridge.runner.runs[0]!;
}

/** The text of the run's prompt (its last user turn). */
function promptOf(run: RunSpec): string {
  return run.request.turns.at(-1)!.content.map((block) => ('text' in block ? block.text : '')).join('');
}

describe('one question', () => {
  test('prints the answer as it streams, and only the answer, on stdout', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['one ', 'two ', 'three'] }], delayMs: 300 });
    const pieces: string[] = [];
    const started = Date.now();
    const child = spawn(process.execPath, [CLIENT_CLI, 'What', 'is', 'Python?'], { env: clientEnv({}, stack.server.url), stdio: ['ignore', 'pipe', 'pipe'] });
    const arrivals: number[] = [];
    child.stdout.on('data', (d: Buffer) => {
      pieces.push(d.toString());
      arrivals.push(Date.now() - started);
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).toBe('');
    expect(pieces.join('')).toBe('one two three\n');
    // Streamed: the first words were out well before the last.
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces[0]).not.toContain('three');
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(300);
    expect(lastUserText(stack.fake.lastRequest.body)).toBe('What is Python?');
  });

  test('reads the prompt from stdin', async () => {
    const { code, stdout } = await client([], { input: 'Hello from stdin\n' });
    expect(code).toBe(0);
    expect(stdout).toBe('Hello world\n');
    expect(promptOf(theRun())).toBe('Hello from stdin');
  });

  test('adds text piped in by a shell after the prompt argument', async () => {
    const line = `printf 'x = 1\\n' | ${shellQuote(process.execPath)} ${shellQuote(CLIENT_CLI)} 'Explain this code:'`;
    const { code, stdout } = await runCommand('sh', ['-c', line], { env: clientEnv() });
    expect(code).toBe(0);
    expect(stdout).toBe('Hello world\n');
    expect(promptOf(theRun())).toBe('Explain this code:\n\nx = 1');
  });

  test('--no-stream and --model: the whole answer at once, from the chosen model', async () => {
    const { code, stdout } = await client(['--no-stream', '--model', 'haiku', 'Hi']);
    expect(code).toBe(0);
    expect(stdout).toBe('Hello world\n');
    const run = theRun();
    expect(run.sdkModel).toBe('haiku');
    expect(run.request.model).toBe('haiku');
  });

  test('--system sets the system prompt Claude sees', async () => {
    const { code } = await client(['--system', 'Answer like a pirate.', 'Hi']);
    expect(code).toBe(0);
    expect(theRun().request.system).toBe('Answer like a pirate.');
  });

  test('--json prints the raw response: the completion, or one chunk per line when streaming', async () => {
    const whole = await client(['--json', '--no-stream', 'Hi']);
    expect(whole.code).toBe(0);
    const completion = JSON.parse(whole.stdout) as { object: string; choices: Array<{ message: { content: string } }> };
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.content).toBe('Hello world');

    const streamed = await client(['--json', 'Hi']);
    expect(streamed.code).toBe(0);
    const chunks = streamed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { object: string; choices: Array<{ delta: { content?: string } }> });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello world');
  });

  test('the URL may be given with /v1, and the flag beats BRIDGE_URL', async () => {
    // An unknown model is refused by the bridge itself: proof enough that the request reached it, without a run.
    const { code, stderr } = await client(['--url', `${served.url}/v1/`, '--model', 'gpt-4o', 'Hi'], {
      env: { BRIDGE_URL: 'http://127.0.0.1:9/nowhere' },
    });
    expect(code).toBe(5);
    expect(stderr).toMatch(/404 model_not_found/);
  });
});

describe('errors: one line on stderr, nothing on stdout, an exit code per kind', () => {
  test('an unreachable bridge: exit 3', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { code, stdout, stderr } = await client(['--url', `http://127.0.0.1:${port}`, 'Hi']);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `claude-code-client: cannot reach the bridge at http://127.0.0.1:${port}/v1 (ECONNREFUSED): is it running? Start it with \`claude-code-bridge\`, or point --url (or BRIDGE_URL) at it\n`,
    );
  });

  test('a bridge that wants an API key: exit 4, and the key from --api-key or BRIDGE_API_KEY is sent', async () => {
    // A stand-in for a bridge with an API key set: 401 unless the key matches.
    const seen: Array<string | undefined> = [];
    const guarded = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Invalid API key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
    });
    await new Promise<void>((resolve) => guarded.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(guarded.address() as AddressInfo).port}`;
    try {
      const without = await client(['--url', url, 'Hi']);
      expect(without.code).toBe(4);
      expect(without.stdout).toBe('');
      expect(without.stderr).toBe('claude-code-client: 401: the bridge requires an API key: pass --api-key or set BRIDGE_API_KEY\n');

      const wrong = await client(['--url', url, '--api-key', 'key-from-flag', 'Hi']);
      expect(wrong.code).toBe(4);
      expect(wrong.stderr).toBe('claude-code-client: 401: the bridge refused the API key: check --api-key or BRIDGE_API_KEY\n');
      await client(['--url', url, 'Hi'], { env: { BRIDGE_API_KEY: 'key-from-env' } });
      expect(seen.slice(1)).toEqual(['Bearer key-from-flag', 'Bearer key-from-env']);
    } finally {
      guarded.close();
    }
  });

  test("Claude refusing the bridge's login: exit 4, pointing at the bridge's machine", async () => {
    bridge.runner.play({ recording: 'upstream-401' });
    const { code, stdout, stderr } = await client(['Hi']);
    expect(code).toBe(4);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^claude-code-client: 401: the bridge's Claude Code is not logged in: run `claude login`.*\n$/);
  });

  test('an unknown model: exit 5 with the reason', async () => {
    const { code, stdout, stderr } = await client(['--model', 'gpt-4o', 'Hi']);
    expect(code).toBe(5);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^claude-code-client: 404 model_not_found: The model "gpt-4o" does not exist.*\n$/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a server-side failure: exit 1', async () => {
    bridge.runner.play({ recording: 'upstream-529' });
    const { code, stdout, stderr } = await client(['--no-stream', 'Hi']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^claude-code-client: 503 upstream_overloaded: the bridge could not answer: Claude's API is overloaded.*\n$/);
  });

  test('usage mistakes: exit 2', async () => {
    const empty = await client([], { input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no prompt/);
    const unknown = await client(['--modle', 'x', 'Hi']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--modle'/);
  });
});

describe('--help', () => {
  test('documents the options, their variables and the exit codes', async () => {
    const { code, stdout } = await client(['--help']);
    expect(code).toBe(0);
    for (const option of ['--model', '--system', '--no-stream', '--json', '--interactive', '--url', '--api-key', 'BRIDGE_URL', 'BRIDGE_API_KEY', 'Exit codes']) {
      expect(stdout).toContain(option);
    }
  });
});
