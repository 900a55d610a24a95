import type { ClaudeSession } from './claude-session.js';

export interface LiveSessionOptions {
  /** Sessions kept at most (each holds a Claude Code process, about 250 MB). */
  max: number;
  /** How long a parked session waits for its conversation's next request. */
  ttlMs: number;
}

interface Parked {
  session: ClaudeSession;
  timer: NodeJS.Timeout;
  parkedAt: number;
}

/**
 * Claude Code processes kept alive after answering, filed under their
 * conversation so far, so that a chat's next turn is pushed into the same
 * process instead of starting one. Bounded in number (the oldest goes
 * first) and in age.
 */
export class LiveSessions {
  private readonly parked = new Map<string, Parked>();
  private reused = 0;

  constructor(private readonly options: LiveSessionOptions) {}

  park(key: string, session: ClaudeSession): void {
    if (this.options.max === 0 || session.closed) {
      session.close();
      return;
    }
    this.parked.get(key)?.session.close();
    this.parked.delete(key);
    while (this.parked.size >= this.options.max) {
      const oldest = this.parked.keys().next().value as string;
      this.drop(oldest);
    }
    session.process.setRole('session');
    const timer = setTimeout(() => this.drop(key), this.options.ttlMs);
    timer.unref();
    this.parked.set(key, { session, timer, parkedAt: Date.now() });
  }

  /** The session that holds exactly this conversation, if one is alive; it leaves the cache. */
  take(key: string): ClaudeSession | undefined {
    const entry = this.parked.get(key);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.parked.delete(key);
    if (entry.session.closed) return undefined;
    this.reused++;
    entry.session.process.setRole('run');
    return entry.session;
  }

  stats(): { parked: number; reused: number } {
    return { parked: this.parked.size, reused: this.reused };
  }

  /**
   * The client tool calls that parked sessions' Claude Code is inside now:
   * each one's handler waits for the client's result, and until it has one
   * that process cannot ask Claude anything.
   */
  waitingToolCalls(): string[] {
    return [...this.parked.values()].flatMap((entry) => entry.session.toolResults.waitingFor());
  }

  close(): void {
    for (const key of [...this.parked.keys()]) this.drop(key);
  }

  private drop(key: string): void {
    const entry = this.parked.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.parked.delete(key);
    entry.session.close();
  }
}
