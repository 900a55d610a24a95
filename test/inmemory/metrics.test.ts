import { expect, test } from 'vitest';
import { useInMemoryBridge } from '../support/in-memory-bridge.js';
import { parsePrometheus, valueOf } from '../support/prometheus.js';

// /metrics as Prometheus reads it, moving as requests are served, for runs
// replayed from the real Claude Code. That the pool's claim counter follows
// its real spares is test/e2e/pool.test.ts.
const { bridge, openai } = useInMemoryBridge();

const read = async () => parsePrometheus(await (await bridge.request('/metrics')).text());
const ask = (content: string) => openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content }] });

test('parses as Prometheus text and moves as requests are served', async () => {
  const before = await read();
  expect(before.some((s) => s.name === 'bridge_process_resident_memory_bytes')).toBe(true);
  const answer = await ask('count me');
  await bridge.post('/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
  const after = await read();
  const route = 'POST /v1/chat/completions';
  // Counted under the model that answered, as the answer names it.
  const model = answer.model;
  expect(model).toMatch(/^claude-/);
  expect(valueOf(after, 'bridge_requests_total', { route, status: '200', model })).toBe(valueOf(before, 'bridge_requests_total', { route, status: '200', model }) + 1);
  expect(valueOf(after, 'bridge_requests_total', { route, status: '404' })).toBeGreaterThan(0);
  expect(valueOf(after, 'bridge_time_to_first_token_seconds_count', { route })).toBe(valueOf(before, 'bridge_time_to_first_token_seconds_count', { route }) + 1);
  expect(valueOf(after, 'bridge_request_duration_seconds_count', { route, status: '200' })).toBeGreaterThan(0);
  const runs = (samples: typeof after) => ['live', 'spare', 'cold'].reduce((n, origin) => n + valueOf(samples, 'bridge_runs_total', { origin }), 0);
  expect(runs(after)).toBe(runs(before) + 1);
  for (const name of ['bridge_queue_depth', 'bridge_active_runs', 'bridge_pool_spares_ready', 'bridge_live_sessions']) {
    expect(after.some((s) => s.name === name), name).toBe(true);
  }
  // What only goes up is typed a counter, as its `_total` name says.
  const text = await (await bridge.request('/metrics')).text();
  for (const name of ['bridge_requests_total', 'bridge_runs_total', 'bridge_pool_spares_claimed_total', 'bridge_pool_claims_refused_total']) {
    expect(text, name).toContain(`# TYPE ${name} counter`);
  }
});

test('upstream errors are counted by kind', async () => {
  const before = valueOf(await read(), 'bridge_upstream_errors_total', { code: 'upstream_overloaded' });
  bridge.runner.play({ recording: 'upstream-529' });
  await ask('x').catch(() => undefined);
  expect(valueOf(await read(), 'bridge_upstream_errors_total', { code: 'upstream_overloaded' })).toBe(before + 1);
});
