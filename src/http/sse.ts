import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';

export interface SseWriter {
  /** Write one event; resolves when the client's socket has taken it. */
  send(data: unknown, event?: string): Promise<void>;
  /** Write a raw data line, such as OpenAI's `[DONE]`. */
  sendRaw(data: string): Promise<void>;
  /** Write an SSE comment: bytes that keep a quiet connection alive and that every SSE parser skips. */
  comment(text: string): Promise<void>;
  readonly aborted: boolean;
}

/**
 * An SSE response. `produce` writes events; when the client goes away the
 * writer reports `aborted` and the producer's signal is aborted, so whatever
 * feeds the stream (a Claude Code process) can be ended at once.
 */
export function sseResponse(c: Context, produce: (writer: SseWriter) => Promise<void>): Response {
  c.header('Cache-Control', 'no-cache');
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream: SSEStreamingApi) => {
    const writer: SseWriter = {
      send: (data, event) => stream.writeSSE({ data: JSON.stringify(data), ...(event ? { event } : {}) }),
      sendRaw: (data) => stream.writeSSE({ data }),
      comment: (text) => stream.write(`: ${text}\n\n`).then(() => undefined),
      get aborted() {
        return stream.aborted || stream.closed;
      },
    };
    await produce(writer);
  });
}
