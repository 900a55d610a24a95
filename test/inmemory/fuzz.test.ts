import { beforeAll, describe, expect, test } from 'vitest';
import { IGNORED_HEADER } from '../../src/http/ignored-header.js';
import { cases, fuzzRoute, PATHS, type Route } from '../support/hostile-bodies.js';
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

describe('hostile bodies over every POST route', () => {
  test.each<Route>(['chat', 'messages', 'count_tokens', 'responses'])(
    "%s: no 5xx, every answer in the route's shape, every slot given back",
    async (route) => {
      const runsBefore = bridge.runner.runs.length;
      const statuses = await fuzzRoute(
        route,
        cases(route),
        async ({ body, contentType }) => {
          // Bytes, not a string: fetch would give a string body a text/plain type the client never sent.
          const res = await bridge.request(PATHS[route], {
            method: 'POST',
            headers: { ...(contentType ? { 'content-type': contentType } : {}), 'anthropic-version': '2023-06-01' },
            body: new TextEncoder().encode(body),
          });
          return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text(), ignored: res.headers.get(IGNORED_HEADER) ?? undefined };
        },
        200,
      );
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
