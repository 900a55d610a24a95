import { chmod, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import pinoRoll from 'pino-roll';
import type { RequestObserver, RequestRecord } from '../core/request-trace.js';

export interface SessionLogOptions {
  dir: string;
  maxBytes: number;
}

type RollingStream = Awaited<ReturnType<typeof pinoRoll>>;

const FILE_MODE = 0o600;
const LOG_FILE = /^sessions\..*\.jsonl$/;

/** Session log files left by an earlier version (created 0644) get the mode new ones have. */
async function makeOwnerOnly(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (LOG_FILE.test(name)) await chmod(path.join(dir, name), FILE_MODE).catch(() => undefined);
  }
}

/**
 * The opt-in session log: one JSON line per request in
 * `<dir>/sessions.<date>.<n>.jsonl`, a new file each day and whenever one
 * reaches the size limit. pino-roll does the rolling; its writes are
 * asynchronous and buffered, so a slow disk never holds up a response, and
 * a line that cannot be written is dropped rather than failing a request.
 *
 * The lines hold prompts and answers, so they are for the bridge's owner
 * alone: files are created 0600, and a folder the bridge creates is 0700 (an
 * existing folder keeps its mode: it may be a log folder others share).
 */
export class SessionLog implements RequestObserver {
  private constructor(private readonly stream: RollingStream) {}

  static async open(options: SessionLogOptions): Promise<SessionLog> {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    await makeOwnerOnly(options.dir);
    const stream = await pinoRoll({
      // The extension is taken from the file name.
      file: path.join(options.dir, 'sessions.jsonl'),
      frequency: 'daily',
      dateFormat: 'yyyy-MM-dd',
      size: `${Math.max(1, Math.floor(options.maxBytes / 1024))}k`,
      mkdir: true,
      mode: FILE_MODE,
    });
    stream.on('error', () => undefined);
    return new SessionLog(stream);
  }

  requestEnded(record: RequestRecord): void {
    // The owner is a hash of an API key: the status page needs it, the log does not.
    const { owner: _owner, ...line } = record;
    this.stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
  }

  /** Write what is buffered and close the file. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.stream.once('close', () => resolve());
      this.stream.end();
    });
  }
}
