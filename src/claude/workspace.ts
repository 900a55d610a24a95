import { chmodSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Name of the folder, inside Claude Code's `projects` folder, that holds what
 * the bridge learned (PREAMBLE_FILE), apart from the user's own projects.
 * The transcripts of a bridge's runs are in a sibling named for the bridge's
 * process (Claude Code's CLAUDE_CODE_PROJECT_DIR_NAME), so that the next
 * bridge can tell what a bridge that was killed outright left behind.
 */
export const BRIDGE_FOLDER = 'claude-code-bridge';
const TRANSCRIPTS_FOLDER_NAME = /^claude-code-bridge-(\d+)$/;

/** Whether a process with this id exists (EPERM: it does, as another user's). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** What the bridge learned of Claude Code's conversation notes (see ConversationPreamble), beside the transcripts. */
export const PREAMBLE_FILE = 'preamble.json';

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
 * `claude-code-bridge-<pid of the bridge>/`, only while their process does: a run that
 * continues a conversation resumes one written there, so Claude Code runs
 * with the user's real configuration (and can refresh an expired login
 * there) instead of a copy; each is removed when its process ends.
 */
export class Workspace {
  /** The working directory of every Claude Code process the bridge starts. */
  readonly cwd: string;
  /** Claude Code's name for the folder of this bridge's transcripts (CLAUDE_CODE_PROJECT_DIR_NAME). */
  readonly transcriptsFolder: string;
  /** Where Claude Code keeps the transcripts of this bridge's runs. */
  readonly transcriptsDir: string;
  private readonly projectsDir: string;
  private readonly transcripts = new Set<string>();

  constructor(
    workRoot: string,
    env: Readonly<Record<string, string | undefined>>,
    private readonly pid: number = process.pid,
  ) {
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    // One per user: another user's bridge on the same machine has its own.
    this.cwd = path.join(workRoot, uid === undefined ? 'claude-code-bridge' : `claude-code-bridge-${uid}`);
    this.projectsDir = path.join(claudeConfigDir(env), 'projects');
    this.transcriptsFolder = `${BRIDGE_FOLDER}-${pid}`;
    this.transcriptsDir = path.join(this.projectsDir, this.transcriptsFolder);
  }

  /**
   * Make sure the working folder is there (another bridge of the same user
   * that stopped may have removed it) and still empty; remove the transcripts
   * of bridges that are no longer running (killed outright, they could not).
   * Returns the working folder.
   */
  prepare(): string {
    this.makeFolder();
    const left = readdirSync(this.cwd);
    if (left.length > 0) {
      throw new Error(
        `The bridge's working folder ${this.cwd} is not empty (${left.slice(0, 3).join(', ')}); empty it, or choose another --work-root.`,
      );
    }
    chmodSync(this.cwd, 0o500);
    this.removeLeftovers();
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
      mkdirSync(this.cwd, { mode: 0o500 });
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
    rmSync(this.transcriptsDir, { recursive: true, force: true });
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
    return path.join(this.projectsDir, BRIDGE_FOLDER, PREAMBLE_FILE);
  }

  get transcriptCount(): number {
    return this.transcripts.size;
  }

  private transcriptFile(sessionId: string): string {
    if (!/^[0-9a-f-]{36}$/i.test(sessionId)) throw new Error(`not a session id: ${sessionId}`);
    return path.join(this.transcriptsDir, `${sessionId}.jsonl`);
  }

  /**
   * Remove the transcript folders of bridges whose process is gone; a
   * folder of a bridge that still runs stays. Returns the folders removed.
   */
  removeLeftovers(): string[] {
    const removed: string[] = [];
    const remove = (target: string): void => {
      try {
        rmSync(target, { recursive: true, force: true });
        removed.push(target);
      } catch {
        // not ours to remove after all
      }
    };
    for (const name of readdirOrNone(this.projectsDir)) {
      const owner = TRANSCRIPTS_FOLDER_NAME.exec(name)?.[1];
      if (owner === undefined || Number(owner) === this.pid || processExists(Number(owner))) continue;
      remove(path.join(this.projectsDir, name));
    }
    return removed;
  }
}

function readdirOrNone(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
