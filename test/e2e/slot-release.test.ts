import { beforeEach, describe, expect, test } from 'vitest';
import { IGNORED_HEADER } from '../../src/http/ignored-header.js';
import { echoHandler, lastUserText, type Handler } from '../support/fake-anthropic.js';
import { waitForNoRuns } from '../support/processes.js';
import { useStack } from '../support/stack.js';

// One run at a time, so that most requests below wait in the queue first:
// a request that fails must give back its slot, or its place in the queue.
// A stream starts after one keep-alive interval without a first event; the
// interval is longer than any wait here, so a failure before the first event
// keeps its HTTP status however long the queue takes on a loaded machine.
const stack = useStack({ flags: { maxConcurrent: '1', maxQueue: '50', queueTimeoutMs: '120', keepAliveMs: '300' } });

/** The fake upstream fails where the prompt says: before the first event, or mid-answer. */
const stagedHandler: Handler = (request) => {
  const text = lastUserText(request.body);
  if (text.startsWith('FAIL-FIRST')) {
    return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'refused before any output' } } };
  }
  if (text.startsWith('FAIL-MID')) {
    return { blocks: [{ type: 'text', text: ['part', ' one', ' two', ' three'] }], cutAfterEvents: 4, delayMs: 50 };
  }
  return echoHandler(request);
};

beforeEach(async () => {
  stack.fake.setHandler(stagedHandler);
  await waitForNoRuns(stack.server.registry);
});

function chatBody(prompt: string, stream: boolean, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'haiku', stream, messages: [{ role: 'user', content: prompt }], ...extra };
}

async function post(body: unknown): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${stack.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function slotsFreed(): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { active, queued } = stack.server.limiter.stats();
    if (active === 0 && queued === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(stack.server.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
}

// The whole matrix (each API, plain and streamed, keys no header can carry) runs in the in-memory tier
// (test/inmemory/slot-release.test.ts), replaying what Claude Code reported; here, one of each kind of
// failure through the real Claude Code and the real socket, queued behind each other.
describe('every way a request can fail gives its concurrency slot back', () => {
  test('chat, streamed, through Claude Code: validation, header writing, first event, mid-stream', async () => {
    const unicodeKeys = { 'prix_€': 1, 日本: 1, ['lone\uD800surrogate']: 1 };
    const answers = await Promise.all([
      post('{"model": "haiku", "messages": ['),
      post(chatBody('unicode keys', true, unicodeKeys)),
      post(chatBody('FAIL-FIRST', true)),
      post(chatBody('FAIL-MID', true)),
    ]);
    const [badJson, unicodeStream, firstStream, midStream] = answers;

    expect(badJson!.status).toBe(400);
    // Names no header can carry as they are, written by Node's own HTTP server.
    expect(unicodeStream!.status).toBe(200);
    expect(unicodeStream!.text).toContain('unicode keys');
    const named = unicodeStream!.headers.get(IGNORED_HEADER)!.split(', ').map(decodeURIComponent);
    expect(named).toEqual(expect.arrayContaining(['prix_€', '日本', 'lone\uFFFDsurrogate']));
    // Refused before the first event: the stream had not begun, so an HTTP error.
    expect(firstStream!.status).toBe(400);
    // Cut mid-answer: the stream had begun, so it ends with an error frame.
    expect(midStream!.status).toBe(200);
    expect(midStream!.text).toContain('part');
    expect(midStream!.text).toMatch(/error/);

    await slotsFreed();
    await waitForNoRuns(stack.server.registry);
    // The bridge still answers at once: nothing is left holding its only slot.
    const after = await post(chatBody('still alive', false));
    expect(after.status).toBe(200);
    expect(after.text).toContain('still alive');
    await slotsFreed();
  });
});
