import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { MemoryResponseStore } from '../../src/store/memory-response-store.js';
import type { ResponseStore, ResponseStoreOptions } from '../../src/store/response-store.js';
import { SqliteResponseStore } from '../../src/store/sqlite-response-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ccb-store-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const kinds: Array<[string, (options: ResponseStoreOptions) => Promise<ResponseStore>]> = [
  ['memory', async (options) => new MemoryResponseStore(options)],
  ['sqlite', (options) => SqliteResponseStore.open(path.join(dir, `store-${++files}.db`), options)],
];

/** A value of about `size` bytes once serialised. */
const value = (size: number, tag = 'x') => ({ tag, pad: 'p'.repeat(Math.max(0, size - 22 - tag.length)) });

describe.each(kinds)('%s store', (_kind, open) => {
  test('keeps what is put, returns copies, deletes', async () => {
    const store = await open({ ttlMs: 60_000, maxBytes: 1_000_000 });
    const original = { a: [1, 2], b: { c: 'd' } };
    expect(await store.put('resp_1', '', original)).toBe(true);
    const read = (await store.get('resp_1', '')) as typeof original;
    expect(read).toEqual(original);
    read.a.push(3);
    expect(await store.get('resp_1', '')).toEqual(original);
    expect(await store.get('resp_none', '')).toBeUndefined();
    expect(await store.delete('resp_1', '')).toBe(true);
    expect(await store.delete('resp_1', '')).toBe(false);
    expect(await store.get('resp_1', '')).toBeUndefined();
    await store.close();
  });

  test('a value is gone once its time to live has passed', async () => {
    let now = 1_000_000;
    const store = await open({ ttlMs: 1000, maxBytes: 1_000_000, now: () => now });
    await store.put('old', '', { n: 1 });
    now += 600;
    await store.put('newer', '', { n: 2 });
    now += 500;
    expect(await store.get('old', '')).toBeUndefined();
    expect(await store.get('newer', '')).toEqual({ n: 2 });
    expect(await store.delete('old', '')).toBe(false);
    now += 600;
    expect(await store.get('newer', '')).toBeUndefined();
    await store.close();
  });

  test('beyond the size bound the oldest values go first; a value larger than the bound is not stored', async () => {
    const store = await open({ ttlMs: 60_000, maxBytes: 1000 });
    for (const id of ['a', 'b', 'c']) expect(await store.put(id, '', value(300, id))).toBe(true);
    expect(await store.put('d', '', value(300, 'd'))).toBe(true);
    expect(await store.get('a', '')).toBeUndefined();
    for (const id of ['b', 'c', 'd']) expect(await store.get(id, '')).toMatchObject({ tag: id });
    expect(await store.put('huge', '', value(2000))).toBe(false);
    expect(await store.get('huge', '')).toBeUndefined();
    expect(await store.get('d', '')).toMatchObject({ tag: 'd' });
    // Storing under an existing id replaces the value and counts it once.
    expect(await store.put('d', '', value(300, 'd2'))).toBe(true);
    expect(await store.get('d', '')).toMatchObject({ tag: 'd2' });
    expect(await store.get('b', '')).toMatchObject({ tag: 'b' });
    await store.close();
  });
});

test('a file made before values had owners gains the column; its values are the shared ones', async () => {
  const file = path.join(dir, 'before-owners.db');
  const Database = (await import('better-sqlite3')).default;
  const old = new Database(file);
  old.exec('CREATE TABLE responses (id TEXT PRIMARY KEY, stored_at INTEGER NOT NULL, bytes INTEGER NOT NULL, body TEXT NOT NULL)');
  old.prepare('INSERT INTO responses VALUES (?, ?, ?, ?)').run('resp_old', Date.now(), 13, '{"old":true}');
  old.close();
  const store = await SqliteResponseStore.open(file, { ttlMs: 60_000, maxBytes: 1_000_000 });
  expect(await store.get('resp_old', '')).toEqual({ old: true });
  expect(await store.get('resp_old', 'owner-a')).toBeUndefined();
  expect(await store.put('resp_new', 'owner-a', { n: 1 })).toBe(true);
  expect(await store.get('resp_new', 'owner-a')).toEqual({ n: 1 });
  await store.close();
});

test('the SQLite store keeps its values across a restart', async () => {
  const file = path.join(dir, 'nested', 'restart.db');
  const first = await SqliteResponseStore.open(file, { ttlMs: 60_000, maxBytes: 1_000_000 });
  await first.put('resp_kept', '', { hello: 'world' });
  await first.close();
  const second = await SqliteResponseStore.open(file, { ttlMs: 60_000, maxBytes: 1_000_000 });
  expect(await second.get('resp_kept', '')).toEqual({ hello: 'world' });
  await second.close();
});
