import { beforeAll, beforeEach, expect, test, describe } from 'vitest';
import { jsonOf } from '../support/http.js';
import { waitForNoRuns } from '../support/processes.js';
import { postSse } from '../support/sse.js';
import { scriptedHandler } from '../support/scripted.js';
import { useStack } from '../support/stack.js';

// The idle limit is generous enough that a cold start on a loaded machine is not taken for silence, and the
// whole-request limit leaves a loaded machine's cold start plus the idle limit room before it.
const stack = useStack({ flags: { idleTimeoutMs: '6', requestTimeoutMs: '20' } });
beforeAll(async () => {
  await stack.server.catalog.list();
});
beforeEach(async () => {
  stack.fake.setHandler(scriptedHandler);
  await waitForNoRuns(stack.server.registry);
});

const url = () => `${stack.baseURL}/chat/completions`;
const body = (prompt: string, stream = false) => JSON.stringify({ model: 'haiku', stream, messages: [{ role: 'user', content: prompt }] });
const post = (prompt: string) => fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(prompt) });

describe('timeouts', () => {
  test('no output within the idle limit → 504 before the stream starts', async () => {
    const res = await post('HANG 12000 late');
    expect(res.status).toBe(504);
    expect((await jsonOf(res)).error).toMatchObject({ type: 'timeout_error', code: 'idle_timeout' });
    await waitForNoRuns(stack.server.registry, 3000);
  });

  test('silence mid-stream → an error frame', async () => {
    const raw = await postSse(url(), JSON.parse(body('SLOW 8000 first second', true)));
    expect(raw.status).toBe(200);
    const last = JSON.parse(raw.events.at(-1)!.data);
    expect(last.error).toMatchObject({ type: 'timeout_error', code: 'idle_timeout' });
    expect(raw.events.some((e) => e.data === '[DONE]')).toBe(false);
  });

  test('a request over the whole-request limit ends with request_timeout', async () => {
    const raw = await postSse(url(), JSON.parse(body(`SLOW 1500 ${'w '.repeat(20)}`, true)));
    const last = JSON.parse(raw.events.at(-1)!.data);
    expect(last.error).toMatchObject({ type: 'timeout_error', code: 'request_timeout' });
    await waitForNoRuns(stack.server.registry, 3000);
  });
});

