import type { RequestObserver, RequestRecord, RequestTrace } from '../core/request-trace.js';

/** A finished request as the activity view keeps it: no bodies, only figures. */
export type RequestSummary = Omit<RequestRecord, 'request' | 'answer'>;

/**
 * In-memory view of what the bridge is doing: requests in flight and the
 * most recent finished ones (a bounded ring). Serves the status page and
 * shutdown's wait for in-flight requests.
 */
export class ActivityLog implements RequestObserver {
  private readonly inFlight = new Map<string, RequestTrace>();
  private readonly recent: RequestSummary[] = [];
  private total = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly capacity = 200) {}

  requestStarted(trace: RequestTrace): void {
    this.inFlight.set(trace.id, trace);
  }

  requestEnded(record: RequestRecord): void {
    this.inFlight.delete(record.id);
    this.total++;
    const { request: _request, answer: _answer, ...summary } = record;
    this.recent.push(summary);
    if (this.recent.length > this.capacity) this.recent.shift();
    if (this.inFlight.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get totalCount(): number {
    return this.total;
  }

  /** Most recent first. */
  recentRequests(limit = 50): RequestSummary[] {
    return this.recent.slice(-limit).reverse();
  }

  /** Resolves once no request is in flight (at once if none is). */
  whenIdle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
