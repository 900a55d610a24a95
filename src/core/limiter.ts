import { BridgeError } from '../errors/bridge-error.js';

export interface LimiterOptions {
  maxConcurrent: number;
  maxQueue: number;
  queueTimeoutMs: number;
}

export interface LimiterStats {
  active: number;
  queued: number;
  maxConcurrent: number;
  maxQueue: number;
}

interface Waiter {
  grant: (release: () => void) => void;
  fail: (err: unknown) => void;
}

/**
 * At most `maxConcurrent` Claude Code runs at once. Beyond that, requests
 * wait in a first-in-first-out queue of at most `maxQueue`, each for at most
 * `queueTimeoutMs`; a full queue refuses at once. A waiter whose client
 * leaves gives its place up immediately.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly options: LimiterOptions) {}

  stats(): LimiterStats {
    return { active: this.active, queued: this.queue.length, maxConcurrent: this.options.maxConcurrent, maxQueue: this.options.maxQueue };
  }

  /** Wait for a slot; resolves with the function that gives it back (call it exactly once). */
  acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.active < this.options.maxConcurrent) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new BridgeError(
          'rate_limit',
          `The bridge is busy: ${this.options.maxConcurrent} requests are running and ${this.queue.length} are waiting, the most it queues. Try again shortly.`,
          { code: 'queue_full', retryAfterSeconds: 1 },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const at = this.queue.indexOf(waiter);
        if (at !== -1) this.queue.splice(at, 1);
      };
      const waiter: Waiter = {
        grant: (release) => {
          cleanup();
          resolve(release);
        },
        fail: (err) => {
          cleanup();
          reject(err);
        },
      };
      const onAbort = () => waiter.fail(signal.reason);
      const timer = setTimeout(
        () =>
          waiter.fail(
            new BridgeError(
              'rate_limit',
              `The bridge is busy: the request waited ${Math.round(this.options.queueTimeoutMs / 1000)} s for a free slot. Try again shortly.`,
              { code: 'queue_timeout', retryAfterSeconds: 5 },
            ),
          ),
        this.options.queueTimeoutMs,
      );
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next.grant(this.releaser());
      else this.active--;
    };
  }
}
