import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { MAX_WAITING_WRITES, sseResponse, type SseWait, type SseWriter } from '../../src/http/sse.js';

/**
 * A stream whose producer writes `count` events of about 1 KB without
 * awaiting any, as the status feed does, in bursts of `burst` per tick.
 */
function unawaitedWriter(count: number, burst = count): { app: Hono; done: Promise<SseWriter> } {
  let finished!: (writer: SseWriter) => void;
  const done = new Promise<SseWriter>((resolve) => (finished = resolve));
  const app = new Hono();
  app.get('/', (c) =>
    sseResponse(c, async (writer) => {
      const writes: SseWait[] = [];
      for (let i = 0; i < count; i++) {
        writes.push(writer.send({ i, pad: 'x'.repeat(1000) }, 'activity'));
        if ((i + 1) % burst === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(writes);
      finished(writer);
    }),
  );
  return { app, done };
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<{ bytes: number; error: unknown }> {
  const reader = body.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes, error: undefined };
      bytes += value.byteLength;
    }
  } catch (error) {
    return { bytes, error };
  }
}

describe('server-sent events with several writers', () => {
  test('writers that do not wait, to a client that does not read, are bounded: the stream ends instead of growing', async () => {
    const { app, done } = unawaitedWriter(2_000);
    const res = await app.request('/');
    // Nobody reads yet: every write still settles, and the writer learns the client is gone.
    const writer = await done;
    expect(writer.aborted).toBe(true);
    // What was held for the client is bounded by the high-water mark and the writes allowed to wait, not by 2 MB of events.
    const { bytes, error } = await readAll(res.body!);
    expect(error).toBeInstanceOf(Error);
    expect(bytes).toBeLessThan(64 * 1024 + (MAX_WAITING_WRITES + 2) * 1100);
  });

  test('a client that reads gets every event of writers that do not wait, in order', async () => {
    const { app, done } = unawaitedWriter(2_000, 50);
    const res = await app.request('/');
    const text = await res.text();
    const writer = await done;
    expect(writer.aborted).toBe(false);
    const ids = [...text.matchAll(/"i":(\d+)/g)].map((m) => Number(m[1]));
    expect(ids).toEqual([...Array(2_000).keys()]);
  });
});
