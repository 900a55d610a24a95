import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { residentBytes } from '../../src/claude/process-memory.js';
import { alive, waitForNoRuns } from '../support/processes.js';
import { startStack, type Stack } from '../support/stack.js';
import { until } from '../support/wait.js';

// Two to three Claude Code processes' worth (each holds about 150 MB resident here): fewer than the
// configurations the budget test asks for, so that some must give way.
const BUDGET_MB = 400;

let stack: Stack;
beforeAll(async () => {
  // No warm spare: a request that no pre-started process serves starts cold, which the tests count.
  stack = await startStack({ flags: { poolSize: '0', prestartMemoryBytes: `${BUDGET_MB}mb`, liveSessions: '0' } });
});
afterAll(async () => {
  const pids = stack.server.registry.list().map((e) => e.pid);
  await stack?.close();
  // Nothing started ahead survives the shutdown.
  expect(pids.filter(alive)).toEqual([]);
});
beforeEach(async () => {
  stack.fake.reset();
  await waitForNoRuns(stack.server.registry);
});

const prestartedPids = () => stack.server.registry.list().filter((e) => e.role === 'prestarted').map((e) => e.pid);
/** Every configuration that is wanted has its process up, and none is starting. */
const settled = (ready: number) => until(() => stack.server.prestarted.stats().ready === ready && stack.server.prestarted.stats().warming === 0);

const newConversation = (system: string, text: string) =>
  stack.openai.chat.completions.create({
    model: 'sonnet',
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: text },
    ],
  });

describe('sessions started before they are asked for', () => {
  test('the default configuration is ready from the start, serves a request that sets nothing, and is kept ready: a request that comes while its replacement starts takes that one instead of starting another', async () => {
    await settled(1);
    const [first] = prestartedPids();
    const origins = { ...stack.server.runner.origins };
    // Starts held back (as while another request starts cold), so that the replacement is still starting below.
    const { pool } = stack.server;
    pool.coldStartBegan();
    let released = false;
    try {
      const answer = await stack.openai.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'Hi' }] });
      expect(answer.choices[0]!.message.content).toBe('Echo: Hi');
      expect(stack.server.runner.origins).toMatchObject({ prestarted: origins.prestarted + 1, cold: origins.cold });
      // The bridge's default system prompt reached Claude, as on a cold start.
      expect(JSON.stringify(stack.fake.lastRequest.body.system)).toContain(stack.config.defaultSystemPrompt);
      expect(stack.server.prestarted.stats()).toMatchObject({ ready: 0, warming: 0 });
      // Its place is taken by a new process for the same configuration; a request that arrives while it starts
      // waits for it rather than starting Claude Code cold.
      pool.coldStartEnded();
      released = true;
      expect(stack.server.prestarted.stats().warming).toBe(1);
      await stack.openai.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'Hi again' }] });
      expect(stack.server.runner.origins).toMatchObject({ prestarted: origins.prestarted + 2, cold: origins.cold });
    } finally {
      if (!released) pool.coldStartEnded();
    }
    // And again a new one is started in its place.
    await settled(1);
    expect(prestartedPids()).not.toContain(first);
  });

  // An agent's second new conversation with the same configuration (tools and all) is served by a process
  // started for it, sending Claude what a cold start sends: what-reaches-claude.test.ts, for each API.

  test('the memory budget is respected: the most recent configurations are kept, the default one first, and the oldest give way', async () => {
    const configurations = ['You are A.', 'You are B.', 'You are C.'];
    for (const system of configurations) {
      await newConversation(system, 'hello');
      // Each has its chance to be started, as it would between an agent's requests.
      await until(() => stack.server.prestarted.stats().warming === 0);
    }
    await until(() => stack.server.prestarted.stats().warming === 0);
    const pids = prestartedPids();
    const resident = pids.reduce((sum, pid) => sum + (residentBytes(pid) ?? 0), 0);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    expect(pids.length).toBeLessThan(configurations.length + 1);
    expect(resident).toBeLessThanOrEqual(BUDGET_MB * 1024 ** 2);
    expect(stack.server.prestarted.stats().evicted).toBeGreaterThan(0);
    // The most recent one is ready; the oldest is not (it starts cold).
    const origins = { ...stack.server.runner.origins };
    await newConversation('You are C.', 'again');
    expect(stack.server.runner.origins.prestarted).toBe(origins.prestarted + 1);
    await newConversation('You are A.', 'again');
    expect(stack.server.runner.origins.cold).toBe(origins.cold + 1);
    // And the default configuration stays ready throughout.
    await stack.openai.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'Hi' }] });
    expect(stack.server.runner.origins.prestarted).toBe(origins.prestarted + 2);
  });
});
