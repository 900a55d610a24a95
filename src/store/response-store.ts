/**
 * Where the Responses API keeps the answers it stores (`store: true`), so
 * that `previous_response_id` can continue them and GET can return them.
 * Values are JSON-serialisable; each is kept for `ttlMs` after it was
 * stored, and when their total size passes `maxBytes` the oldest go first.
 *
 * Each value belongs to an owner, an opaque string (a hash of the API key
 * that stored it, or '' when clients share everything): a value is found,
 * and deleted, only by its owner; to anyone else it does not exist.
 */
export interface ResponseStore {
  /** The value `owner` stored under `id`, unless it expired, was dropped or deleted. */
  get(id: string, owner: string): Promise<unknown>;
  /** Store `value` under `id` for `owner`. False when it alone is larger than the size bound: nothing is stored then. */
  put(id: string, owner: string, value: unknown): Promise<boolean>;
  /** Remove the value `owner` stored; false when there was none. */
  delete(id: string, owner: string): Promise<boolean>;
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
