import { describe, expect, test } from 'vitest';
import { IGNORED_HEADER } from '../../src/http/ignored-header.js';
import { cases, fuzzRoute, PATHS, type Route } from '../support/hostile-bodies.js';
import { waitForNoRuns } from '../support/processes.js';
import { rawRequest } from '../support/raw-http.js';
import { useStack } from '../support/stack.js';
import { until } from '../support/wait.js';

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

// Fewer cases than in memory: what the socket adds (Node's parser and header writing) needs no more.
const CASES = 50;

async function slotsGivenBack(): Promise<void> {
  await until(() => {
    const { active, queued } = stack.server.limiter.stats();
    return active === 0 && queued === 0;
  }, 'every slot and queue place given back', 20_000);
  await waitForNoRuns(stack.server.registry, 10_000);
}

describe('hostile bodies over every POST route', () => {
  test.each<Route>(['chat', 'messages', 'count_tokens', 'responses'])(
    '%s: no 5xx, every answer in the route\'s shape, every slot given back',
    async (route) => {
      const statuses = await fuzzRoute(
        route,
        cases(route, { runnable: false }),
        async ({ body, contentType }) => {
          const answer = await rawRequest(stack.server.url, {
            method: 'POST',
            path: PATHS[route],
            headers: { ...(contentType ? { 'content-type': contentType } : {}), 'anthropic-version': '2023-06-01' },
            body,
          });
          const ignored = answer.headers[IGNORED_HEADER];
          return { status: answer.status, contentType: String(answer.headers['content-type'] ?? ''), text: answer.text, ignored: typeof ignored === 'string' ? ignored : undefined };
        },
        CASES,
      );
      await slotsGivenBack();
      // Both kinds happened: requests refused, and requests that ran.
      expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    },
    300_000,
  );
});
