/**
 * Where the Responses API keeps the answers it stores (`store: true`), so
 * that `previous_response_id` can continue them and GET can return them.
 * Values are JSON-serialisable; each is kept for `ttlMs` after it was
 * stored, and when their total size passes `maxBytes` the oldest go first.
 */
export interface ResponseStore {
  /** The value stored under `id`, unless it expired, was dropped or deleted. */
  get(id: string): Promise<unknown>;
  /** Store `value` under `id`. False when it alone is larger than the size bound: nothing is stored then. */
  put(id: string, value: unknown): Promise<boolean>;
  /** Remove the value; false when there was none. */
  delete(id: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface ResponseStoreOptions {
  ttlMs: number;
  maxBytes: number;
  /** The clock, in milliseconds (tests move it). */
  now?: () => number;
}

/** A store that cannot be opened: what went wrong and what to do about it. */
export class ResponseStoreError extends Error {
  override name = 'ResponseStoreError';
}
