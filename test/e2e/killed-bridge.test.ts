import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BRIDGE_CLI, LiveProcess, fakeClaudeEnv } from '../support/cli-process.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { descendants, running } from '../support/processes.js';
import { until } from '../support/wait.js';

// A bridge killed outright (SIGKILL, the out-of-memory killer) runs no
// cleanup: its Claude Code processes must end by themselves, and the next
// bridge removes the transcripts it left.
let fake: FakeAnthropic;
let home: string;
let workRoot: string;
beforeAll(async () => {
  fake = new FakeAnthropic();
  await fake.start();
  home = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-killed-'));
  workRoot = path.join(home, 'work');
  mkdirSync(workRoot);
});
afterAll(async () => {
  await fake?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

function startBridge(): LiveProcess {
  return new LiveProcess(process.execPath, [BRIDGE_CLI, '--port', '0', '--work-root', workRoot, '--pool-size', '1'], fakeClaudeEnv(fake.url, home));
}

test('after SIGKILL its Claude Code processes end at once, mid-answer; the next start removes its transcripts, and only those', async () => {
  // An answer that would take a minute to stream.
  fake.reply({ blocks: [{ type: 'text', text: Array.from({ length: 600 }, (_, i) => `word${i} `) }], delayMs: 100 });
  const first = startBridge();
  const url = await first.expect(/http:\/\/127\.0\.0\.1:\d+/);
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // A conversation with history: Claude Code resumes it from a transcript the bridge writes.
    body: JSON.stringify({
      model: 'haiku',
      stream: true,
      messages: [
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'hi' },
        { role: 'user', content: 'go' },
      ],
    }),
  });
  const reader = res.body!.getReader();
  await reader.read();
  await until(() => fake.messageRequests.length === 1, 'Claude Code is answering');
  const children = descendants(first.child.pid!);
  expect(children.length).toBeGreaterThan(0);
  const projects = path.join(home, '.claude', 'projects');
  const transcripts = `claude-code-bridge-${first.child.pid}`;
  expect(readdirSync(path.join(projects, transcripts)).some((name) => name.endsWith('.jsonl'))).toBe(true);

  first.child.kill('SIGKILL');
  await first.exited;
  await until(() => children.every((pid) => !running(pid)), 'the Claude Code processes are gone', 5_000);
  await reader.cancel().catch(() => undefined);
  // The answer was abandoned, not streamed on to its end for nobody.
  expect(fake.finishedMessages).toEqual([]);
  expect(readdirSync(projects)).toContain(transcripts);

  // The folder of a bridge that still runs (this test's process stands in for one) and the
  // user's own projects stay.
  const alive = `claude-code-bridge-${process.pid}`;
  const usersOwn = '-home-someone-project';
  mkdirSync(path.join(projects, alive));
  mkdirSync(path.join(projects, usersOwn));
  fake.reset();
  const second = startBridge();
  try {
    await second.expect(/http:\/\/127\.0\.0\.1:\d+/);
    const now = readdirSync(projects);
    expect(now).not.toContain(transcripts);
    expect(now).toEqual(expect.arrayContaining([alive, usersOwn]));
  } finally {
    await second.stop();
  }
  // Two bridges start from the command line, each waiting for Claude Code's model list.
}, 180_000);
