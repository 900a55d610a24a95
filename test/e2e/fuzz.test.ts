import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { IGNORED_HEADER } from '../../src/http/ignored-header.js';
import { always, cases, checkShape, PATHS, type Route } from '../support/hostile-bodies.js';
import { waitForNoRuns } from '../support/processes.js';
import { rawRequest } from '../support/raw-http.js';
import { useStack } from '../support/stack.js';

/**
 * Random and hostile bodies over every POST route, sent over the real socket
 * as an adversary would send them: whatever a client sends, the bridge
 * answers in the route's own shape, never with a 5xx of its own, and every
 * concurrency slot and queue place is given back. Bounded: a fixed number of
 * cases per route. Each route's cases include a real run through Claude Code
 * (against the fake upstream) whose keys no header can carry, streamed; the
 * other cases are the ones refused before a run (a near-valid body may still
 * pass now and then and run too). The in-memory fuzz
 * (test/inmemory/fuzz.test.ts) sends many more, runnable ones included,
 * without a process. FUZZ_SEED replays a run.
 */
const stack = useStack({ flags: { maxConcurrent: '2', maxQueue: '20' } });
beforeAll(async () => {
  await stack.server.catalog.list();
});

// Fewer than in memory: what the socket adds (Node's parser and header writing) needs no more.
const CASES = Number(process.env.FUZZ_CASES ?? 50);
/** A failure prints its seed and path; FUZZ_SEED and FUZZ_PATH replay exactly that case. */
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const replayPath = process.env.FUZZ_PATH;

async function slotsGivenBack(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { active, queued } = stack.server.limiter.stats();
    if (active === 0 && queued === 0) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  expect(stack.server.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
  await waitForNoRuns(stack.server.registry, 10_000);
}

describe('hostile bodies over every POST route', () => {
  test.each<Route>(['chat', 'messages', 'count_tokens', 'responses'])(
    '%s: no 5xx, every answer in the route\'s shape, every slot given back',
    async (route) => {
      const statuses = new Map<number, number>();
      const outcome = await fc.check(
        fc.asyncProperty(cases(route, { runnable: false }), async ({ body, contentType }) => {
          const answer = await rawRequest(stack.server.url, {
            method: 'POST',
            path: PATHS[route],
            headers: { ...(contentType ? { 'content-type': contentType } : {}), 'anthropic-version': '2023-06-01' },
            body,
          });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          expect(answer.status, answer.text.slice(0, 500)).toBeLessThan(500);
          checkShape(route, answer.status, String(answer.headers['content-type'] ?? ''), answer.text);
          const ignored = answer.headers[IGNORED_HEADER];
          if (typeof ignored === 'string') {
            expect(ignored.length).toBeLessThanOrEqual(1024);
            expect(ignored).toMatch(/^[\x20-\x7e]*$/);
          }
        }),
        // Always among the cases: a real run whose keys no header can carry, streamed, and one that is refused.
        { numRuns: CASES, seed, path: replayPath, endOnFailure: true, examples: [[always(route)], [{ body: '{"model": ', contentType: 'application/json' }]] },
      );
      if (outcome.failed) {
        // Bodies can be megabytes: say what failed and how to replay it, not the whole case.
        const failure = outcome.errorInstance instanceof Error ? outcome.errorInstance.message : String(outcome.errorInstance);
        throw new Error(
          `${route}: ${failure.slice(0, 1500)}\nreplay with FUZZ_SEED=${outcome.seed} FUZZ_PATH=${outcome.counterexamplePath}\ncase: ${JSON.stringify(outcome.counterexample).slice(0, 1500)}`,
        );
      }
      await slotsGivenBack();
      // Both kinds happened: requests refused, and requests that ran.
      expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    },
    300_000,
  );
});
