import { randomBytes } from 'node:crypto';
import type { BridgeError } from '../errors/bridge-error.js';
import { tapEvents } from './event-stream.js';
import { RunCollector, type CollectedToolCall } from './run-result.js';
import type { RunEvent, StopReason, Usage } from './types.js';

/** Everything known about one request once it is over. */
export interface RequestRecord {
  id: string;
  startedAt: string;
  endpoint: string;
  client: { address: string | undefined; userAgent: string | undefined };
  stream: boolean;
  /** The model name the client asked for. */
  model: string | undefined;
  /** The model that answered. */
  answeredBy: string | undefined;
  /** The request body, with image data replaced by a size note. */
  request: unknown;
  answer: { text: string; toolCalls: CollectedToolCall[] } | undefined;
  stopReason: StopReason | undefined;
  usage: Usage | undefined;
  /** Milliseconds from arrival to Claude's first output. */
  ttftMs: number | undefined;
  durationMs: number;
  status: number;
  error: { status: number; code: string | null; message: string } | undefined;
  /** Who may see the request and answer later: '' (any client) or a hash of the API key that made it. */
  owner: string;
}

/** Who wants to know about requests: the activity view, the session log, metrics. */
export interface RequestObserver {
  requestStarted?(trace: RequestTrace): void;
  /** Called once the request's first output arrives. */
  firstOutput?(trace: RequestTrace, ttftMs: number): void;
  requestEnded(record: RequestRecord): void;
}

export function newRequestId(): string {
  return `req_${randomBytes(12).toString('base64url')}`;
}

/**
 * Follows one request from arrival to its last byte and tells the
 * observers. The HTTP layer creates it; the route feeds it the request and
 * passes the run's events through watch().
 */
export class RequestTrace {
  readonly startedAt = new Date();
  /** The response is a stream; the trace ends when the stream does, not when the handler returns. */
  streaming = false;
  private readonly started = performance.now();
  private ended = false;
  private requestBody: unknown;
  private model: string | undefined;
  private stream = false;
  private ttftMs: number | undefined;
  private error: RequestRecord['error'];
  private readonly collector = new RunCollector();
  private sawRun = false;
  private readonly cleanups: Array<() => void> = [];

  constructor(
    readonly id: string,
    readonly endpoint: string,
    private readonly client: RequestRecord['client'],
    private readonly observers: readonly RequestObserver[],
    private readonly owner = '',
  ) {
    for (const o of observers) o.requestStarted?.(this);
  }

  /** The model name the client asked for, once the request has been read (the status page lists it while the request runs). */
  get requestedModel(): string | undefined {
    return this.model;
  }

  /** The (already sanitised) request and what it asks for. */
  describe(body: unknown, options: { model: string | undefined; stream: boolean }): void {
    this.requestBody = body;
    this.model = options.model;
    this.stream = options.stream;
  }

  /** Pass a run's events through, noting the first output, the answer and the usage. */
  watch(events: AsyncGenerator<RunEvent>): AsyncGenerator<RunEvent> {
    this.sawRun = true;
    return tapEvents(events, (event) => {
      if (this.ttftMs === undefined && event.type !== 'start' && event.type !== 'end') {
        this.ttftMs = Math.round(performance.now() - this.started);
        for (const o of this.observers) o.firstOutput?.(this, this.ttftMs);
      }
      this.collector.push(event);
    });
  }

  /**
   * Run `cleanup` when the request ends, however it ends: a handler that
   * fails after its run took a concurrency slot must still end that run.
   */
  onFinish(cleanup: () => void): void {
    if (this.ended) cleanup();
    else this.cleanups.push(cleanup);
  }

  fail(err: BridgeError): void {
    this.error ??= { status: err.status, code: err.code, message: err.message };
  }

  /** Idempotent: the first call wins. */
  finish(status: number): void {
    if (this.ended) return;
    this.ended = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    const partial = this.sawRun ? this.collector.partial() : undefined;
    const record: RequestRecord = {
      id: this.id,
      startedAt: this.startedAt.toISOString(),
      endpoint: this.endpoint,
      client: this.client,
      stream: this.stream,
      model: this.model,
      answeredBy: partial && partial.model !== 'unknown' ? partial.model : undefined,
      request: this.requestBody,
      answer: partial ? { text: partial.text, toolCalls: partial.toolCalls } : undefined,
      stopReason: this.collector.ending?.stopReason,
      usage: this.collector.ending?.usage,
      ttftMs: this.ttftMs,
      durationMs: Math.round(performance.now() - this.started),
      status,
      error: this.error,
      owner: this.owner,
    };
    for (const o of this.observers) {
      try {
        o.requestEnded(record);
      } catch {
        // an observer's failure must never affect the response
      }
    }
  }
}
