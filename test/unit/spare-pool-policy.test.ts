import type { SpareProcess } from '@anthropic-ai/claude-agent-sdk';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { ProcessRegistry } from '../../src/claude/process-registry.js';
import { SparePool } from '../../src/claude/spare-pool.js';
import { silentLogger } from '../../src/logger.js';

// When the spare pool starts a Claude Code process: its own rules, checked
// with starts the test completes itself. That a spare is a real process that
// comes up, serves a claim as a cold start would, and is replaced when it died
// or the login changed is test/e2e/pool.test.ts.
const starts: Array<{ up: () => void; closed: boolean }> = [];
function prewarm(): Promise<SpareProcess> {
  return new Promise<SpareProcess>((resolve) => {
    const start = {
      closed: false,
      up: () => resolve({ close: () => void (start.closed = true), exited: new Promise(() => {}) } as Partial<SpareProcess> as SpareProcess),
    };
    starts.push(start);
  });
}

let pool: SparePool;
beforeEach(() => {
  starts.length = 0;
  pool = new SparePool({ size: 1, idleMs: 60_000, options: () => ({}), fingerprint: () => 'same', prewarm }, new ProcessRegistry(), silentLogger());
});
afterEach(async () => {
  for (const start of starts) start.up();
  await pool.close();
  vi.useRealTimers();
});

/** The pool once its ready spare was claimed and let go: empty, and due for a refill. */
async function emptiedPool(): Promise<SparePool> {
  pool.start();
  starts.at(-1)!.up();
  await vi.waitFor(() => expect(pool.stats().ready).toBe(1));
  pool.take()!.spare.close();
  return pool;
}

test('no spare starts while a request waits for Claude Code to start cold; it starts right after', async () => {
  await emptiedPool();
  pool.coldStartBegan();
  pool.replenish();
  expect(pool.stats()).toMatchObject({ ready: 0, warming: 0 });
  pool.coldStartEnded();
  expect(pool.stats().warming).toBe(1);
  starts.at(-1)!.up();
  await vi.waitFor(() => expect(pool.stats().ready).toBe(1));
});

test('no spare starts while a tool loop goes on (a step running, or tool results due); it starts when the loop ends', async () => {
  await emptiedPool();
  // A run handed tool calls back; their results usually follow at once.
  pool.toolResultsDue();
  pool.replenish();
  expect(pool.stats()).toMatchObject({ ready: 0, warming: 0 });
  // They came: the next step runs.
  pool.toolStepBegan();
  pool.replenish();
  expect(pool.stats().warming).toBe(0);
  // That step ended with an answer: the loop is over.
  pool.toolStepEnded();
  pool.replenish();
  expect(pool.stats().warming).toBe(1);
});

test('a cold start that offers tools refills the pool when its run is over, not when its process is up', async () => {
  await emptiedPool();
  pool.coldStartBegan();
  // Up, but its run may yet hand tool calls back: the start waits for the run's end, which tells.
  pool.coldStartEnded(false);
  expect(pool.stats()).toMatchObject({ ready: 0, warming: 0 });
  pool.replenish();
  expect(pool.stats().warming).toBe(1);
});

test('tool results that do not come at once hold no spare back: it starts once they are overdue', async () => {
  await emptiedPool();
  vi.useFakeTimers();
  pool.toolResultsDue();
  pool.replenish();
  expect(pool.stats()).toMatchObject({ ready: 0, warming: 0 });
  // The client runs a slow tool meanwhile: the machine is free for a start.
  await vi.advanceTimersByTimeAsync(999);
  expect(pool.stats().warming).toBe(0);
  await vi.advanceTimersByTimeAsync(1);
  expect(pool.stats().warming).toBe(1);
});

test('a tool loop that does not end holds no spare back for more than 10 s', async () => {
  await emptiedPool();
  vi.useFakeTimers();
  pool.toolStepBegan();
  pool.replenish();
  await vi.advanceTimersByTimeAsync(9_999);
  expect(pool.stats().warming).toBe(0);
  await vi.advanceTimersByTimeAsync(1);
  expect(pool.stats().warming).toBe(1);
});

test('a spare still starting when the pool is discarded is ended once up, never served, and replaced', async () => {
  await emptiedPool();
  pool.replenish();
  expect(pool.stats()).toMatchObject({ ready: 0, warming: 1 });
  const starting = starts.at(-1)!;
  const before = { ...pool.stats() };
  pool.discardAll();
  starting.up();
  await vi.waitFor(() => expect(pool.stats().discarded).toBe(before.discarded + 1));
  expect(starting.closed).toBe(true);
  expect(pool.take()).toBeUndefined();
  // Its replacement starts, and is the one served.
  expect(pool.stats().warming).toBe(1);
  starts.at(-1)!.up();
  await vi.waitFor(() => expect(pool.stats().ready).toBe(1));
  expect(starts.at(-1)!.closed).toBe(false);
});
