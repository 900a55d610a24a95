import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { IGNORED_HEADER } from '../../src/http/ignored-header.js';
import { always, cases, checkShape, PATHS, type Route } from '../support/hostile-bodies.js';
import { inMemoryBridge, type InMemoryBridge } from '../support/in-memory-bridge.js';

/**
 * Random and hostile bodies over every POST route, as an adversary would
 * send them: whatever a client sends, the bridge answers in the route's own
 * shape, never with a 5xx of its own, and every concurrency slot and queue
 * place is given back. The whole HTTP stack, validation, limiter and
 * translators are the real ones; the bodies that pass validation replay a
 * recorded Claude Code answer, so every case costs no process (the
 * end-to-end fuzz sends its cases over the real socket, a few through the
 * real Claude Code). Bounded: a fixed number of cases per route.
 * FUZZ_SEED (and FUZZ_PATH) replay a run.
 */
let bridge: InMemoryBridge;
beforeAll(async () => {
  bridge = await inMemoryBridge({ flags: { maxConcurrent: '2', maxQueue: '20' } });
});

const CASES = Number(process.env.FUZZ_CASES ?? 200);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const replayPath = process.env.FUZZ_PATH;

describe('hostile bodies over every POST route', () => {
  test.each<Route>(['chat', 'messages', 'count_tokens', 'responses'])(
    "%s: no 5xx, every answer in the route's shape, every slot given back",
    async (route) => {
      const statuses = new Map<number, number>();
      const runsBefore = bridge.runner.runs.length;
      const outcome = await fc.check(
        fc.asyncProperty(cases(route), async ({ body, contentType }) => {
          // Bytes, not a string: fetch would give a string body a text/plain type the client never sent.
          const res = await bridge.request(PATHS[route], {
            method: 'POST',
            headers: { ...(contentType ? { 'content-type': contentType } : {}), 'anthropic-version': '2023-06-01' },
            body: new TextEncoder().encode(body),
          });
          const text = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, text.slice(0, 500)).toBeLessThan(500);
          checkShape(route, res.status, res.headers.get('content-type') ?? '', text);
          const ignored = res.headers.get(IGNORED_HEADER);
          if (ignored !== null) {
            expect(ignored.length).toBeLessThanOrEqual(1024);
            expect(ignored).toMatch(/^[\x20-\x7e]*$/);
          }
        }),
        // Always among the cases: a run whose keys no header can carry, streamed, and one that is refused.
        { numRuns: CASES, seed, path: replayPath, endOnFailure: true, examples: [[always(route)], [{ body: '{"model": ', contentType: 'application/json' }]] },
      );
      if (outcome.failed) {
        // Bodies can be megabytes: say what failed and how to replay it, not the whole case.
        const failure = outcome.errorInstance instanceof Error ? outcome.errorInstance.message : String(outcome.errorInstance);
        throw new Error(
          `${route}: ${failure.slice(0, 1500)}\nreplay with FUZZ_SEED=${outcome.seed} FUZZ_PATH=${outcome.counterexamplePath}\ncase: ${JSON.stringify(outcome.counterexample).slice(0, 1500)}`,
        );
      }
      expect(bridge.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
      expect(bridge.runner.active).toBe(0);
      // Both kinds happened: requests refused, and requests that ran (count_tokens answers without a run).
      expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
      if (route !== 'count_tokens') expect(bridge.runner.runs.length).toBeGreaterThan(runsBefore);
    },
    120_000,
  );
});
