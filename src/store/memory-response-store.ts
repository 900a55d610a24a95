import type { ResponseStore, ResponseStoreOptions } from './response-store.js';

interface Entry {
  owner: string;
  json: string;
  bytes: number;
  storedAt: number;
}

/**
 * The default store: in this process's memory, gone when it stops. Values
 * are kept as JSON text, so what is measured is what is kept and a caller
 * can never change a stored value by accident.
 */
export class MemoryResponseStore implements ResponseStore {
  /** In the order values were stored, which is also the order they expire in. */
  private readonly entries = new Map<string, Entry>();
  private totalBytes = 0;
  private readonly now: () => number;

  constructor(private readonly options: ResponseStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  async get(id: string, owner: string): Promise<unknown> {
    const entry = this.entries.get(id);
    if (!entry || entry.owner !== owner) return undefined;
    if (this.expired(entry)) {
      this.remove(id, entry);
      return undefined;
    }
    return JSON.parse(entry.json) as unknown;
  }

  async put(id: string, owner: string, value: unknown): Promise<boolean> {
    const json = JSON.stringify(value);
    const bytes = Buffer.byteLength(json);
    if (bytes > this.options.maxBytes) return false;
    const existing = this.entries.get(id);
    if (existing) this.remove(id, existing);
    for (const [oldId, entry] of this.entries) {
      if (!this.expired(entry) && this.totalBytes + bytes <= this.options.maxBytes) break;
      this.remove(oldId, entry);
    }
    this.entries.set(id, { owner, json, bytes, storedAt: this.now() });
    this.totalBytes += bytes;
    return true;
  }

  async delete(id: string, owner: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry || entry.owner !== owner) return false;
    if (this.expired(entry)) {
      this.remove(id, entry);
      return false;
    }
    this.remove(id, entry);
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.totalBytes = 0;
  }

  private expired(entry: Entry): boolean {
    return entry.storedAt + this.options.ttlMs <= this.now();
  }

  private remove(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.totalBytes -= entry.bytes;
  }
}
