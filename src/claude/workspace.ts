import { chmodSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Name of the folder, inside Claude Code's `projects` folder, that holds the
 * transcripts of the bridge's own runs (Claude Code's
 * CLAUDE_CODE_PROJECT_DIR_NAME), apart from the user's own projects.
 */
export const TRANSCRIPTS_FOLDER = 'claude-code-bridge';

/** What the bridge learned of Claude Code's conversation notes (see ConversationPreamble), beside the transcripts. */
export const PREAMBLE_FILE = 'preamble.json';

/** Transcripts older than this at start-up were left by a bridge that could not clean up (it crashed). */
const STALE_TRANSCRIPT_MS = 24 * 60 * 60 * 1000;

/** Claude Code's configuration folder for this environment (where its login lives). */
export function claudeConfigDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.CLAUDE_CONFIG_DIR || path.join(env.HOME || os.homedir(), '.claude');
}

/**
 * Where the bridge's Claude Code processes run and keep their transcripts.
 *
 * Every process runs in one folder: empty, read-only, and the same path on
 * every run and every restart. Claude Code tells Claude its working
 * directory in a note at the start of every conversation; a per-run random
 * folder there would both mislead Claude (a client agent names its own
 * working directory) and change the conversation's prefix on every cold
 * turn, so that Claude's prompt cache could never be read. Claude Code's own
 * tools are off, so no run reads or writes files there; read-only makes
 * sure of it, for every run at once.
 *
 * Transcripts live in the user's Claude Code folder, under `projects/`
 * `claude-code-bridge/`, only while their process does: a run that
 * continues a conversation resumes one written there, so Claude Code runs
 * with the user's real configuration (and can refresh an expired login
 * there) instead of a copy; each is removed when its process ends.
 */
export class Workspace {
  /** The working directory of every Claude Code process the bridge starts. */
  readonly cwd: string;
  /** Where Claude Code keeps the transcripts of the bridge's runs. */
  readonly transcriptsDir: string;
  private readonly transcripts = new Set<string>();

  constructor(workRoot: string, env: Readonly<Record<string, string | undefined>>) {
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    // One per user: another user's bridge on the same machine has its own.
    this.cwd = path.join(workRoot, uid === undefined ? 'claude-code-bridge' : `claude-code-bridge-${uid}`);
    this.transcriptsDir = path.join(claudeConfigDir(env), 'projects', TRANSCRIPTS_FOLDER);
  }

  /**
   * Make sure the working folder is there (another bridge of the same user
   * that stopped may have removed it) and still empty; remove transcripts a
   * crashed bridge left behind. Returns the working folder.
   */
  prepare(): string {
    this.makeFolder();
    const left = readdirSync(this.cwd);
    if (left.length > 0) {
      throw new Error(
        `The bridge's working folder ${this.cwd} is not empty (${left.slice(0, 3).join(', ')}); empty it, or choose another --work-root.`,
      );
    }
    chmodSync(this.cwd, 0o555);
    this.sweepStaleTranscripts();
    return this.cwd;
  }

  /** The working folder for a process about to start (recreated if it went). */
  runFolder(): string {
    try {
      if (statSync(this.cwd).isDirectory()) return this.cwd;
    } catch {
      // gone: made again below
    }
    this.makeFolder();
    return this.cwd;
  }

  /** The working folder, made read-only; --work-root itself must exist. */
  private makeFolder(): void {
    try {
      mkdirSync(this.cwd, { mode: 0o555 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }

  /** Write a synthesised transcript for Claude Code to resume; removed with removeTranscript. */
  writeTranscript(sessionId: string, entries: readonly object[]): void {
    mkdirSync(this.transcriptsDir, { recursive: true, mode: 0o700 });
    writeFileSync(this.transcriptFile(sessionId), entries.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o600 });
    this.transcripts.add(sessionId);
  }

  /** Note a transcript Claude Code writes itself, so that it is removed even on an abrupt exit. */
  track(sessionId: string): void {
    this.transcripts.add(sessionId);
  }

  /** The entries of a transcript, or undefined when there is none (yet). */
  readTranscript(sessionId: string): Array<Record<string, unknown>> | undefined {
    let text: string;
    try {
      text = readFileSync(this.transcriptFile(sessionId), 'utf8');
    } catch {
      return undefined;
    }
    const entries: Array<Record<string, unknown>> = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line still being written
      }
    }
    return entries;
  }

  /** Sessions whose transcripts are on disk now (the bridge's processes that are alive). */
  liveTranscripts(): string[] {
    return [...this.transcripts];
  }

  removeTranscript(sessionId: string): void {
    this.transcripts.delete(sessionId);
    rmSync(this.transcriptFile(sessionId), { force: true });
    // Claude Code keeps a session's side files (subagents, tool output) in a folder of that name.
    rmSync(path.join(this.transcriptsDir, sessionId), { recursive: true, force: true });
  }

  /** Remove every transcript still on disk and the working folder, synchronously: for a process about to exit. */
  removeAllNow(): void {
    this.removeTranscriptsNow();
    this.removeFolder();
  }

  /** Remove every transcript still on disk, synchronously. */
  removeTranscriptsNow(): void {
    for (const sessionId of [...this.transcripts]) {
      try {
        this.removeTranscript(sessionId);
      } catch {
        // nothing more can be done on the way out
      }
    }
  }

  /**
   * Remove the working folder (it is empty). Another bridge of the same
   * user may be using it: its next process makes it again (runFolder).
   */
  removeFolder(): void {
    try {
      rmdirSync(this.cwd);
    } catch {
      // not there, or not empty (then it is not the bridge's to remove)
    }
  }

  /** Where the learned conversation notes are kept. */
  get preambleFile(): string {
    return path.join(this.transcriptsDir, PREAMBLE_FILE);
  }

  get transcriptCount(): number {
    return this.transcripts.size;
  }

  private transcriptFile(sessionId: string): string {
    if (!/^[0-9a-f-]{36}$/i.test(sessionId)) throw new Error(`not a session id: ${sessionId}`);
    return path.join(this.transcriptsDir, `${sessionId}.jsonl`);
  }

  private sweepStaleTranscripts(): void {
    let names: string[];
    try {
      names = readdirSync(this.transcriptsDir);
    } catch {
      return;
    }
    const now = Date.now();
    for (const name of names) {
      if (name === PREAMBLE_FILE) continue;
      const file = path.join(this.transcriptsDir, name);
      try {
        if (now - statSync(file).mtimeMs > STALE_TRANSCRIPT_MS) rmSync(file, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
    }
  }
}
