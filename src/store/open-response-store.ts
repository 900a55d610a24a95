import type { Config } from '../config.js';
import { MemoryResponseStore } from './memory-response-store.js';
import type { ResponseStore } from './response-store.js';
import { SqliteResponseStore } from './sqlite-response-store.js';

/** The configured store: an SQLite file with --responses-db, memory otherwise. */
export async function openResponseStore(config: Pick<Config, 'responsesDb' | 'responsesTtlMs' | 'responsesMaxBytes'>): Promise<ResponseStore> {
  const options = { ttlMs: config.responsesTtlMs, maxBytes: config.responsesMaxBytes };
  return config.responsesDb ? SqliteResponseStore.open(config.responsesDb, options) : new MemoryResponseStore(options);
}
