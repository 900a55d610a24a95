import { beforeEach, expect, test } from 'vitest';
import { jsonOf } from '../support/http.js';
import { waitForNoRuns } from '../support/processes.js';
import { scriptedHandler } from '../support/scripted.js';
import { useStack } from '../support/stack.js';

// What a limit reached does to the real Claude Code: the client has its error, and the process is ended.
// The limits themselves (idle before and during a stream, the whole-request limit) are the bridge's own
// timers, tested in memory with limits under a second (test/inmemory/timeouts.test.ts). The idle limit is
// generous enough that a cold start on a loaded machine is not taken for silence.
const stack = useStack({ flags: { idleTimeoutMs: '6' } });
beforeEach(() => stack.fake.setHandler(scriptedHandler));

test('no output within the idle limit → 504 before the stream starts, and Claude Code is ended', async () => {
  const res = await fetch(`${stack.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'haiku', messages: [{ role: 'user', content: 'HANG 12000 late' }] }),
  });
  expect(res.status).toBe(504);
  expect((await jsonOf(res)).error).toMatchObject({ type: 'timeout_error', code: 'idle_timeout' });
  // Well before the upstream would have answered.
  await waitForNoRuns(stack.server.registry, 3000);
  expect(stack.fake.finishedMessages).toEqual([]);
});
