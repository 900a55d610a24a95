import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RunSpec } from '../../src/core/ports.js';
import { IGNORED_HEADER } from '../../src/http/ignored-header.js';
import { inMemoryBridge, type InMemoryBridge } from '../support/in-memory-bridge.js';
import { until } from '../support/wait.js';

// Every way a request can fail, on each API, with one run at a time so that
// most requests wait in the queue first: a request that fails must give back
// its slot, or its place in the queue. The runs replay what the real Claude
// Code reported for an upstream refusal before any output (upstream-400) and
// for an answer cut after its first words (cut-mid-answer); the end-to-end
// test of the same name keeps one of each through Claude Code itself.
let bridge: InMemoryBridge;
beforeAll(async () => {
  bridge = await inMemoryBridge({ flags: { maxConcurrent: '1', maxQueue: '50', queueTimeoutMs: '120', keepAliveMs: '300' } });
});

/** Whether the run was asked with this word in the client's turns. */
const asked = (spec: RunSpec, word: string) => JSON.stringify(spec.request.turns).includes(word);

beforeEach(() => {
  bridge.runner.reset();
  bridge.runner.play((spec) =>
    asked(spec, 'FAIL-FIRST') ? { recording: 'upstream-400' } : asked(spec, 'FAIL-MID') ? { recording: 'cut-mid-answer' } : { recording: 'text' },
  );
});

type Api = 'chat' | 'messages' | 'responses';

function bodyFor(api: Api, prompt: string, stream: boolean, extra: Record<string, unknown> = {}): Record<string, unknown> {
  if (api === 'chat') return { model: 'haiku', stream, messages: [{ role: 'user', content: prompt }], ...extra };
  if (api === 'messages') return { model: 'haiku', max_tokens: 1000, stream, messages: [{ role: 'user', content: prompt }], ...extra };
  return { model: 'haiku', stream, input: prompt, ...extra };
}

const path: Record<Api, string> = { chat: '/v1/chat/completions', messages: '/v1/messages', responses: '/v1/responses' };

async function post(api: Api, body: unknown): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await bridge.post(path[api], body, { 'anthropic-version': '2023-06-01' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function expectSlotsFree(): void {
  expect(bridge.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
  expect(bridge.runner.active).toBe(0);
}

describe('every way a request can fail gives its concurrency slot back', () => {
  test.each<Api>(['chat', 'messages', 'responses'])('%s: validation, header writing, first event, mid-stream', async (api) => {
    const unicodeKeys = { 'prix_€': 1, 日本: 1, ['lone\uD800surrogate']: 1 };
    const hugeKey = { ['k'.repeat(200_000)]: 1 };
    // The first run holds its slot until the other seven wait behind it in the queue.
    let open!: () => void;
    const held = new Promise<void>((resolve) => (open = resolve));
    const replay = (spec: RunSpec) =>
      asked(spec, 'FAIL-FIRST') ? { recording: 'upstream-400' } : asked(spec, 'FAIL-MID') ? { recording: 'cut-mid-answer' } : { recording: 'text' };
    bridge.runner.play((spec) => ({ ...replay(spec), ...(bridge.runner.runs.length === 1 ? { holdAfterStart: held } : {}) }));
    const sent = Promise.all([
      post(api, '{"model": "haiku", "messages": ['),
      post(api, { model: 'haiku', stream: 'yes' }),
      ...[false, true].flatMap((stream) => [
        post(api, bodyFor(api, 'unicode keys', stream, unicodeKeys)),
        post(api, bodyFor(api, 'a huge key', stream, hugeKey)),
        post(api, bodyFor(api, 'FAIL-FIRST', stream)),
        post(api, bodyFor(api, 'FAIL-MID', stream)),
      ]),
    ]);
    await until(() => bridge.limiter.stats().queued === 7);
    open();
    const answers = await sent;
    const [badJson, badField, unicodePlain, hugePlain, firstPlain, midPlain, unicodeStream, hugeStream, firstStream, midStream] = answers;

    expect(bridge.runner.runs).toHaveLength(8);
    expect(badJson!.status).toBe(400);
    expect(badField!.status).toBe(400);
    for (const answer of [unicodePlain!, unicodeStream!]) {
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('Hello');
      const named = answer.headers.get(IGNORED_HEADER)!.split(', ').map(decodeURIComponent);
      expect(named).toEqual(expect.arrayContaining(['prix_€', '日本', 'lone\uFFFDsurrogate']));
    }
    for (const answer of [hugePlain!, hugeStream!]) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get(IGNORED_HEADER)!.length).toBeLessThanOrEqual(1024);
    }
    for (const answer of [firstPlain!, firstStream!]) expect(answer.status).toBe(400);
    // Cut mid-answer: a plain request fails as a whole; a stream had begun, so it ends with an error frame.
    expect(midPlain!.status).toBe(502);
    expect(midStream!.status).toBe(200);
    expect(midStream!.text).toContain('Hello');
    expect(midStream!.text).toMatch(/error/);
    expect(answers.every((a) => a.status < 500 || a === midPlain)).toBe(true);

    expectSlotsFree();
    // The bridge still answers at once: nothing is left holding its only slot.
    const after = await post(api, bodyFor(api, 'still alive', false));
    expect(after.status).toBe(200);
    expect(after.text).toContain('Hello');
    expectSlotsFree();
  });
});
