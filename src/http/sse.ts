import type { Context } from 'hono';
import type { Holdable } from '../core/output-flow.js';

/**
 * What a write asks of its producer: nothing (undefined) while the client
 * keeps up, so that a stream of tokens goes on without a wait per token; a
 * promise to await when the client reads slower than events arrive.
 */
export type SseWait = Promise<void> | undefined;

export interface SseWriter {
  /** Queue one event. */
  send(data: unknown, event?: string): SseWait;
  /** Queue one event whose data is JSON text already, as JSON.stringify writes it (one line). */
  sendJson(json: string, event?: string): SseWait;
  /** Queue a raw data line, such as OpenAI's `[DONE]`. */
  sendRaw(data: string, event?: string): SseWait;
  /** Queue an SSE comment: bytes that keep a quiet connection alive and that every SSE parser skips. */
  comment(text: string): SseWait;
  readonly aborted: boolean;
}

/**
 * Bytes queued for a slow client before `send` waits for it. With the text
 * not yet handed to the stream (at most as much again), it bounds what a
 * stream holds for a client that does not read.
 */
const HIGH_WATER_MARK = 64 * 1024;
/**
 * Events closer together than this leave in one socket write (each is still
 * its own SSE event). Claude produces tokens tens of milliseconds apart, so
 * each normally leaves on its own at once; a burst (Claude Code handing over
 * a backlog) costs a write per few milliseconds rather than one per token.
 */
const MIN_WRITE_INTERVAL_MS = 8;
/**
 * Writes that may wait for a slow client at once. A run's stream awaits each
 * write (and has at most a keep-alive beside it), but the status page's feed
 * writes without waiting: past this many (a burst of a few hundred events,
 * about a megabyte), the client is not reading at all, and its stream is
 * ended rather than left to grow (the page reconnects).
 */
export const MAX_WAITING_WRITES = 256;

function frame(data: string, event?: string): string {
  const lines = data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}`)
    .join('\n');
  return event ? `event: ${event}\n${lines}\n\n` : `${lines}\n\n`;
}

export interface SseOptions {
  /** Held while `send` waits for a slow client, released when it reads again: where the events come from. */
  flow?: Holdable;
}

/**
 * A server-sent-events response. Not hono/streaming's streamSSE: that writes
 * each event on its own through a TransformStream (one socket write per
 * token), keeps no byte count to hold Claude Code back by, and queues writes
 * that nobody awaits without a bound; this one batches, applies
 * backpressure, and bounds what a stalled client can make it hold.
 *
 * Events are written as soon as they are
 * produced; those produced together, or within a few milliseconds of
 * the previous write, leave in one write rather than one each, which keeps
 * the bridge's cost per token small on long answers without holding any
 * token back noticeably. A client that reads slowly makes `send` wait, and
 * holds `flow` meanwhile (backpressure, down to Claude Code); one that
 * leaves makes `aborted` true, so the producer can stop.
 */
export function sseResponse(c: Context, produce: (writer: SseWriter) => Promise<void>, options: SseOptions = {}): Response {
  const encoder = new TextEncoder();
  const signal = c.req.raw.signal;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let pending = '';
  let flushScheduled = false;
  let lastWrite = 0;
  let cancelled = false;
  /** Writers waiting for the client to read (several: a run and its keep-alive, or the status feed's). */
  let waiting: Array<() => void> = [];
  const wake = () => {
    if (waiting.length === 0) return;
    const woken = waiting;
    waiting = [];
    for (const resolve of woken) resolve();
    options.flow?.release();
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(ctrl) {
        controller = ctrl;
      },
      pull() {
        wake();
      },
      cancel() {
        cancelled = true;
        wake();
      },
    },
    { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
  );

  const flush = () => {
    flushScheduled = false;
    if (pending === '' || cancelled) return;
    controller.enqueue(encoder.encode(pending));
    pending = '';
    lastWrite = performance.now();
  };

  /** The client stopped reading: drop what is held for it and end its stream. */
  const giveUp = () => {
    cancelled = true;
    pending = '';
    controller.error(new Error('the client stopped reading'));
    wake();
  };

  const queue = (text: string): SseWait => {
    if (cancelled) return undefined;
    if (waiting.length >= MAX_WAITING_WRITES) {
      giveUp();
      return undefined;
    }
    pending += text;
    // A burst may not grow past the bound before the next write: it goes to the stream now.
    if (pending.length >= HIGH_WATER_MARK) flush();
    else if (!flushScheduled) {
      flushScheduled = true;
      const wait = lastWrite + MIN_WRITE_INTERVAL_MS - performance.now();
      // Soon enough: once the events produced with this one (in this turn
      // of the event loop, whose promise jobs all run before a tick) are
      // queued too, and before the loop goes on to anything else, such as
      // reading the rest of Claude Code's output.
      if (wait > 0) setTimeout(flush, wait);
      else process.nextTick(flush);
    }
    if ((controller.desiredSize ?? 1) <= 0 && !cancelled) {
      options.flow?.hold();
      return new Promise<void>((resolve) => waiting.push(resolve));
    }
    return undefined;
  };
  const json = (text: string, event?: string) => queue(event ? `event: ${event}\ndata: ${text}\n\n` : `data: ${text}\n\n`);

  const writer: SseWriter = {
    // JSON text never holds a raw line break, so it is one data line as it is.
    send: (data, event) => json(JSON.stringify(data), event),
    sendJson: json,
    sendRaw: (data, event) => queue(frame(data, event)),
    comment: (text) => queue(`: ${text}\n\n`),
    get aborted() {
      return cancelled || signal.aborted;
    },
  };

  void produce(writer)
    .catch(() => undefined)
    .finally(() => {
      flush();
      if (!cancelled) controller.close();
      wake();
    });

  return c.newResponse(body, 200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
}
