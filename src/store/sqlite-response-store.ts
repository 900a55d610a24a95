import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { ResponseStoreError, type ResponseStore, type ResponseStoreOptions } from './response-store.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS responses (
    id        TEXT PRIMARY KEY,
    stored_at INTEGER NOT NULL,
    bytes     INTEGER NOT NULL,
    body      TEXT NOT NULL,
    owner     TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX IF NOT EXISTS responses_by_age ON responses (stored_at);
`;

/**
 * A file made before values had owners gains the column; its values belong
 * to '' (no key), which is what every client shared then.
 */
function addOwnerColumn(db: BetterSqlite3.Database): void {
  const columns = db.prepare('PRAGMA table_info(responses)').all() as Array<{ name: string }>;
  if (!columns.some((column) => column.name === 'owner')) db.exec("ALTER TABLE responses ADD COLUMN owner TEXT NOT NULL DEFAULT ''");
}

/**
 * Stored responses in an SQLite file, so that a restart loses nothing. The
 * module (better-sqlite3, a native add-on) is loaded only when this store is
 * configured, so the bridge runs without it otherwise.
 */
export class SqliteResponseStore implements ResponseStore {
  private readonly now: () => number;

  private constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly options: ResponseStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  static async open(file: string, options: ResponseStoreOptions): Promise<SqliteResponseStore> {
    let Database: typeof BetterSqlite3;
    try {
      Database = (await import('better-sqlite3')).default;
    } catch (err) {
      throw new ResponseStoreError(
        `--responses-db needs the better-sqlite3 package, which could not be loaded (${(err as Error).message}): ` +
          'install it next to the bridge (npm install better-sqlite3@12, or npm install -g better-sqlite3@12 for a global install), ' +
          'or leave --responses-db out to keep stored responses in memory',
      );
    }
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.exec(SCHEMA);
      addOwnerColumn(db);
      const store = new SqliteResponseStore(db, options);
      store.dropExpired();
      return store;
    } catch (err) {
      throw new ResponseStoreError(`cannot open the responses database ${file} (${(err as Error).message}): check --responses-db`);
    }
  }

  async get(id: string, owner: string): Promise<unknown> {
    const row = this.db.prepare('SELECT stored_at, body FROM responses WHERE id = ? AND owner = ?').get(id, owner) as { stored_at: number; body: string } | undefined;
    if (!row) return undefined;
    if (row.stored_at + this.options.ttlMs <= this.now()) {
      this.db.prepare('DELETE FROM responses WHERE id = ?').run(id);
      return undefined;
    }
    return JSON.parse(row.body) as unknown;
  }

  async put(id: string, owner: string, value: unknown): Promise<boolean> {
    const body = JSON.stringify(value);
    const bytes = Buffer.byteLength(body);
    if (bytes > this.options.maxBytes) return false;
    this.db.transaction(() => {
      this.dropExpired();
      this.db.prepare('DELETE FROM responses WHERE id = ?').run(id);
      let total = (this.db.prepare('SELECT COALESCE(SUM(bytes), 0) AS total FROM responses').get() as { total: number }).total;
      if (total + bytes > this.options.maxBytes) {
        const oldest = this.db.prepare('SELECT id, bytes FROM responses ORDER BY stored_at, rowid').iterate() as IterableIterator<{ id: string; bytes: number }>;
        const doomed: string[] = [];
        for (const row of oldest) {
          if (total + bytes <= this.options.maxBytes) break;
          doomed.push(row.id);
          total -= row.bytes;
        }
        const remove = this.db.prepare('DELETE FROM responses WHERE id = ?');
        for (const doomedId of doomed) remove.run(doomedId);
      }
      this.db.prepare('INSERT INTO responses (id, stored_at, bytes, body, owner) VALUES (?, ?, ?, ?, ?)').run(id, this.now(), bytes, body, owner);
    })();
    return true;
  }

  async delete(id: string, owner: string): Promise<boolean> {
    const row = this.db.prepare('SELECT stored_at FROM responses WHERE id = ? AND owner = ?').get(id, owner) as { stored_at: number } | undefined;
    if (!row) return false;
    this.db.prepare('DELETE FROM responses WHERE id = ?').run(id);
    return row.stored_at + this.options.ttlMs > this.now();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private dropExpired(): void {
    this.db.prepare('DELETE FROM responses WHERE stored_at <= ?').run(this.now() - this.options.ttlMs);
  }
}
