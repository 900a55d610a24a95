import type { StatusEvents } from '../status-api/status-api-types.js';
import { Unauthorized, type ApiClient } from './api-client.js';
import { readEvents } from './read-events.js';

export type FeedState = 'connecting' | 'live' | 'offline';

export interface FeedHandlers {
  activity(report: StatusEvents['activity']): void;
  requests(list: StatusEvents['requests']): void;
  request(row: StatusEvents['request']): void;
  state(state: FeedState): void;
  unauthorized(): void;
}

const RETRY_MS = [1_000, 2_000, 5_000, 10_000];

/**
 * The bridge's live activity stream (GET /bridge/api/events), kept open:
 * when it ends (the bridge restarted, the network dropped) it is opened
 * again, a little later each time it fails in a row.
 */
export class LiveFeed {
  private controller: AbortController | undefined;
  private retryTimer: number | undefined;
  private failures = 0;

  constructor(
    private readonly api: ApiClient,
    private readonly handlers: FeedHandlers,
  ) {}

  start(): void {
    this.stop();
    const controller = new AbortController();
    this.controller = controller;
    void this.run(controller.signal);
  }

  stop(): void {
    this.controller?.abort();
    this.controller = undefined;
    window.clearTimeout(this.retryTimer);
  }

  private async run(signal: AbortSignal): Promise<void> {
    this.handlers.state('connecting');
    try {
      const res = await this.api.fetch('/bridge/api/events', { signal, headers: { Accept: 'text/event-stream' } });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      await readEvents(res.body, (event) => {
        this.failures = 0;
        this.handlers.state('live');
        const data = JSON.parse(event.data) as unknown;
        if (event.event === 'activity') this.handlers.activity(data as StatusEvents['activity']);
        else if (event.event === 'requests') this.handlers.requests(data as StatusEvents['requests']);
        else if (event.event === 'request') this.handlers.request(data as StatusEvents['request']);
      });
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof Unauthorized) {
        this.handlers.unauthorized();
        return;
      }
    }
    if (signal.aborted) return;
    this.handlers.state('offline');
    const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)]!;
    this.failures++;
    this.retryTimer = window.setTimeout(() => {
      if (!signal.aborted) void this.run(signal);
    }, delay);
  }
}
