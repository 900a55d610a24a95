import type { RequestObserver, RequestRecord, RequestTrace } from '../core/request-trace.js';

/** What a status feed listener hears. */
export type StatusFeedEvent =
  | { type: 'changed' }
  | { type: 'ended'; record: RequestRecord }
  /** The server is shutting down: live streams should end now. */
  | { type: 'closed' };

export interface RunningEntry {
  id: string;
  endpoint: string;
  model: string | undefined;
  startedAt: Date;
  ttftMs: number | undefined;
}

/**
 * Tells the status page's live streams when something happened (a request
 * started, produced its first output, or ended), and which requests are
 * running. Closing it at shutdown ends every stream, so an open page never
 * holds the server's shutdown up.
 */
export class StatusFeed implements RequestObserver {
  private readonly running = new Map<string, { trace: RequestTrace; ttftMs: number | undefined }>();
  private readonly listeners = new Set<(event: StatusFeedEvent) => void>();
  private closed = false;

  requestStarted(trace: RequestTrace): void {
    this.running.set(trace.id, { trace, ttftMs: undefined });
    this.emit({ type: 'changed' });
  }

  firstOutput(trace: RequestTrace, ttftMs: number): void {
    const entry = this.running.get(trace.id);
    if (entry) entry.ttftMs = ttftMs;
    this.emit({ type: 'changed' });
  }

  requestEnded(record: RequestRecord): void {
    this.running.delete(record.id);
    this.emit({ type: 'ended', record });
  }

  /** Requests in flight, oldest first. */
  runningRequests(): RunningEntry[] {
    return [...this.running.values()].map(({ trace, ttftMs }) => ({
      id: trace.id,
      endpoint: trace.endpoint,
      model: trace.requestedModel,
      startedAt: trace.startedAt,
      ttftMs,
    }));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Listen until the returned function is called; after close() a listener hears `closed` at once. */
  subscribe(listener: (event: StatusFeedEvent) => void): () => void {
    if (this.closed) {
      listener({ type: 'closed' });
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.closed) return;
    this.emit({ type: 'closed' });
    this.closed = true;
    this.listeners.clear();
  }

  private emit(event: StatusFeedEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // a page's stream must never affect a request
      }
    }
  }
}
