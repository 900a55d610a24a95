import type { RequestObserver, RequestRecord } from '../core/request-trace.js';

export interface RequestDetailsOptions {
  /** Records kept at most. */
  capacity: number;
  /** Total size (as JSON text) of the records kept at most. */
  maxBytes: number;
}

export const DEFAULT_DETAILS_OPTIONS: RequestDetailsOptions = { capacity: 100, maxBytes: 8 * 1024 * 1024 };

interface Kept {
  record: RequestRecord;
  bytes: number;
}

/**
 * The most recent requests in full (request body, answer), for the status
 * page to show when one is clicked. The server keeps them only when the
 * session log is on: people who did not opt in to keeping what was asked and
 * answered get none of it kept, in memory or on disk. Bounded by count and by
 * size; the oldest go first, and a single record larger than the whole bound
 * keeps its figures but not its bodies. With several API keys, a request's
 * body and answer are shown only to the key that made it.
 */
export class RequestDetails implements RequestObserver {
  private readonly kept = new Map<string, Kept>();
  private bytes = 0;

  constructor(private readonly options: RequestDetailsOptions = DEFAULT_DETAILS_OPTIONS) {}

  get capacity(): number {
    return this.options.capacity;
  }

  requestEnded(record: RequestRecord): void {
    let kept = record;
    let bytes = sizeOf(record);
    if (bytes > this.options.maxBytes) {
      kept = { ...record, request: `[request not kept: ${bytes} bytes is more than the page keeps]`, answer: undefined };
      bytes = sizeOf(kept);
    }
    this.kept.set(record.id, { record: kept, bytes });
    this.bytes += bytes;
    for (const [id, entry] of this.kept) {
      if (this.kept.size <= this.options.capacity && this.bytes <= this.options.maxBytes) break;
      this.kept.delete(id);
      this.bytes -= entry.bytes;
    }
  }

  /** The request `viewer` may see: one made with the same key (or any, when clients share everything). */
  get(id: string, viewer: string): RequestRecord | undefined {
    const record = this.kept.get(id)?.record;
    return record && record.owner === viewer ? record : undefined;
  }

  has(id: string, viewer: string): boolean {
    return this.get(id, viewer) !== undefined;
  }

  get size(): number {
    return this.kept.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }
}

function sizeOf(record: RequestRecord): number {
  try {
    return JSON.stringify(record).length;
  } catch {
    return 0;
  }
}
