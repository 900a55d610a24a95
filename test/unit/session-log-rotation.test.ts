import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { RequestRecord } from '../../src/core/request-trace.js';
import { SessionLog } from '../../src/observe/session-log.js';

// pino-roll schedules each day's file with a timer set for the next local
// midnight and names files by the local date (new Date()): faking the clock
// and the timers, and nothing else (the file writes stay real), lets a day
// pass in a moment.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-rotation-'));
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

function record(id: string): RequestRecord {
  return {
    id,
    startedAt: new Date().toISOString(),
    endpoint: '/v1/chat/completions',
    client: { address: '127.0.0.1', userAgent: 'test' },
    stream: false,
    model: 'sonnet',
    answeredBy: 'claude-sonnet-5-5',
    request: { messages: [{ role: 'user', content: id }] },
    answer: { text: 'ok', toolCalls: [] },
    stopReason: 'end_turn',
    usage: undefined,
    ttftMs: 1,
    durationMs: 2,
    status: 200,
    error: undefined,
    owner: '',
  };
}

/** Each log file, by name, with the ids of the requests in it. */
function files(): Record<string, string[]> {
  const names = readdirSync(dir).sort();
  return Object.fromEntries(
    names.map((name) => [
      name,
      readFileSync(path.join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { id: string }).id),
    ]),
  );
}

/**
 * Wait (the real clock runs on for the file writes) until this file holds
 * these requests: lines are written asynchronously, and a roll reopens the
 * file asynchronously.
 */
async function written(name: string, ids: string[]): Promise<void> {
  await vi.waitFor(() => expect(files()[name]).toEqual(ids), { timeout: 5_000, interval: 10 });
}

test('the session log starts a new file at each local midnight and keeps the earlier days', async () => {
  vi.setSystemTime(new Date(2026, 2, 14, 23, 58, 0));
  const log = await SessionLog.open({ dir, maxBytes: 50 * 1024 * 1024 });
  log.requestEnded(record('before-midnight'));
  await written('sessions.2026-03-14.1.jsonl', ['before-midnight']);

  await vi.advanceTimersByTimeAsync(2 * 60_000);
  await written('sessions.2026-03-15.1.jsonl', []);
  log.requestEnded(record('next-day'));
  await written('sessions.2026-03-15.1.jsonl', ['next-day']);

  // A whole day later, the next.
  await vi.advanceTimersByTimeAsync(24 * 60 * 60_000);
  await written('sessions.2026-03-16.1.jsonl', []);
  log.requestEnded(record('third-day'));
  await log.close();

  expect(files()).toEqual({
    'sessions.2026-03-14.1.jsonl': ['before-midnight'],
    'sessions.2026-03-15.1.jsonl': ['next-day'],
    'sessions.2026-03-16.1.jsonl': ['third-day'],
  });
  // Every day's file holds prompts and answers: its owner's alone, the new ones as the first.
  for (const name of readdirSync(dir)) expect(statSync(path.join(dir, name)).mode & 0o777, name).toBe(0o600);
});

test('a bridge started again on the same day writes on in that day\'s file', async () => {
  vi.setSystemTime(new Date(2026, 2, 15, 9, 0, 0));
  const first = await SessionLog.open({ dir, maxBytes: 50 * 1024 * 1024 });
  first.requestEnded(record('morning'));
  await first.close();

  vi.setSystemTime(new Date(2026, 2, 15, 17, 0, 0));
  const second = await SessionLog.open({ dir, maxBytes: 50 * 1024 * 1024 });
  second.requestEnded(record('evening'));
  await second.close();

  expect(files()).toEqual({ 'sessions.2026-03-15.1.jsonl': ['morning', 'evening'] });
});
