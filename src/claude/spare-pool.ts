import { prewarm, type Options, type SpareProcess } from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../logger.js';
import type { ProcessHandle, ProcessRegistry } from './process-registry.js';

export interface Spare {
  spare: SpareProcess;
  process: ProcessHandle;
  readyAt: number;
  fingerprint: string;
}

export interface SparePoolOptions {
  /** Spares kept ready (0 turns the pool off). */
  size: number;
  /** A spare unused this long is let go (and not replaced until the next request). */
  idleMs: number;
  /** Options every spare starts with (fixed for its life). */
  options: (process: ProcessHandle) => Options;
  /** What spares depend on besides the configuration (executable, login). */
  fingerprint: () => string;
  /** How a spare is started: the SDK's prewarm, unless a test stands in for it. */
  prewarm?: typeof prewarm;
}

export interface PoolStats {
  size: number;
  ready: number;
  warming: number;
  claimed: number;
  refused: number;
  discarded: number;
}

/**
 * A pool of processes that starts them by the same rule as this one (see
 * SparePool.follow): pre-started sessions follow the spare pool.
 */
export interface PoolFollower {
  /** Start what is missing: called when starting a process slows no request down. */
  fill(): void;
  /** Let every ready process go (after a login failure, say). */
  discardAll(): void;
  close(): Promise<void>;
  /** How the follower asks for a fill, which the leader holds back while a request starts Claude Code cold. */
  follow(fill: () => void): void;
}

const RETRY_MS = [1_000, 5_000, 30_000, 120_000];
/** When a claimed run goes on this long, the pool is refilled anyway. */
const REPLENISH_LATEST_MS = 3_000;
/**
 * After a run hands client tool calls back, how long starting a process
 * waits for their results: an agent's client answers most calls at once, and
 * the step that follows is what someone waits for.
 */
const TOOL_RESULTS_DUE_MS = 1_000;
/** The longest tool loops hold starting processes back: the pools must not stay empty behind an endless loop. */
const TOOL_LOOP_HOLD_MAX_MS = 10_000;

/**
 * Ready Claude Code processes (the SDK's prewarm), so a request does not
 * wait for one to start: claimed one at a time and refilled in the
 * background. A spare that no longer fits (the executable or the login
 * changed), that died, or that sat unused too long is let go.
 */
export class SparePool {
  private readonly ready: Spare[] = [];
  private warming = 0;
  /** Requests whose Claude Code is starting cold right now. */
  private coldStarts = 0;
  /** Runs in progress that continue a conversation with its client's tool results. */
  private toolSteps = 0;
  /** Until when a client that was handed tool calls is expected back with their results (Date.now() time). */
  private toolResultsDueUntil = 0;
  /** When tool loops began holding starts back (undefined while none does). */
  private toolLoopSince: number | undefined;
  private toolLoopTimer: NodeJS.Timeout | undefined;
  private readonly starting = new Set<Promise<void>>();
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private replenishTimer: NodeJS.Timeout | undefined;
  private readonly sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly counters = { claimed: 0, refused: 0, discarded: 0 };
  private readonly followers: PoolFollower[] = [];
  /** Goes up with each discardAll: a spare that was starting then is ended when it is up. */
  private generation = 0;

  constructor(
    private readonly opts: SparePoolOptions,
    private readonly registry: ProcessRegistry,
    private readonly logger: Logger,
  ) {
    if (opts.size > 0) {
      this.sweepTimer = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1_000, opts.idleMs / 4)));
      this.sweepTimer.unref();
    }
  }

  /**
   * Another pool of processes starts its own by this pool's rule: not
   * while a request waits for Claude Code to start cold, and again once a
   * request is over; it is discarded and closed with this one.
   */
  follow(follower: PoolFollower): void {
    this.followers.push(follower);
    follower.follow(() => this.fill());
  }

  /** Start filling the pool. */
  start(): void {
    this.fill();
  }

  /**
   * A ready spare, if there is one that still fits. Its replacement starts
   * once the request it serves is over (see replenish), not at once: starting
   * a process takes a CPU-second that the claimed run would otherwise compete
   * for, right when its first token is due. The same holds when there is no
   * spare: the request starts Claude Code cold, and the pool waits for that.
   */
  take(): Spare | undefined {
    if (this.closed || this.opts.size === 0) return undefined;
    const current = this.opts.fingerprint();
    if (this.ready.some((s) => s.fingerprint !== current)) {
      this.logger.info('Claude Code or its login changed: replacing the warm spares');
      this.discard();
    }
    const spare = this.ready.shift();
    if (spare) {
      this.counters.claimed++;
      spare.process.setRole('run');
    }
    // Long runs must not keep the pool empty.
    clearTimeout(this.replenishTimer);
    this.replenishTimer = setTimeout(() => this.fill(), REPLENISH_LATEST_MS);
    this.replenishTimer.unref();
    return spare;
  }

  /**
   * A request is starting Claude Code cold. Until its process answers, no
   * spare is started: on a machine with few cores the two would slow each
   * other down, and the request is the one someone waits for.
   */
  coldStartBegan(): void {
    this.coldStarts++;
  }

  /**
   * The cold start announced by coldStartBegan is up (or gave up). With
   * `refill` false the pool is refilled when the run is over instead (a run
   * that may hand tool calls back, whose loop would compete with the start).
   */
  coldStartEnded(refill = true): void {
    this.coldStarts = Math.max(0, this.coldStarts - 1);
    if (refill) this.fill();
  }

  /**
   * A run continuing a conversation with its client's tool results has
   * begun: until it is over no process starts, since starting one takes a
   * CPU-second that the step, which someone waits for, would compete for.
   */
  toolStepBegan(): void {
    this.toolSteps++;
    // The results came: nothing is due once this step is over, unless it hands back calls of its own.
    this.toolResultsDueUntil = 0;
  }

  /** The run announced by toolStepBegan is over (replenish follows). */
  toolStepEnded(): void {
    this.toolSteps = Math.max(0, this.toolSteps - 1);
  }

  /**
   * A run handed client tool calls back (its process waits for the
   * results): their results usually follow at once, and the next step is
   * due; starting a process waits that long (TOOL_RESULTS_DUE_MS) first.
   */
  toolResultsDue(): void {
    this.toolResultsDueUntil = Date.now() + TOOL_RESULTS_DUE_MS;
  }

  /** A request is over: bring the pool back to size. */
  replenish(): void {
    clearTimeout(this.replenishTimer);
    this.fill();
  }

  /** A claim was refused: the request goes cold; the spare is gone. */
  recordRefusal(): void {
    this.counters.refused++;
  }

  /**
   * Let every spare go, those still starting included (after a login
   * failure, say); new ones start in the background.
   */
  discardAll(): void {
    this.generation++;
    this.discard();
    for (const follower of this.followers) follower.discardAll();
    this.fill();
  }

  stats(): PoolStats {
    return { size: this.opts.size, ready: this.ready.length, warming: this.warming, ...this.counters };
  }

  /** Stop refilling and end every spare, including those still starting. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    clearTimeout(this.replenishTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.toolLoopTimer);
    for (const spare of this.ready.splice(0)) spare.spare.close();
    await Promise.all([...this.starting, ...this.followers.map((f) => f.close())]);
  }

  private discard(): void {
    for (const spare of this.ready.splice(0)) {
      this.counters.discarded++;
      spare.spare.close();
    }
  }

  /**
   * Whether a tool loop holds starting processes back now: a step is in
   * progress or its client's results are due. Held, it looks again when the
   * results are overdue (a step's end refills anyway), and gives up holding
   * once tool loops have held starts back for TOOL_LOOP_HOLD_MAX_MS.
   */
  private heldByToolLoop(): boolean {
    const now = Date.now();
    if (this.toolSteps === 0 && now >= this.toolResultsDueUntil) {
      this.toolLoopSince = undefined;
      return false;
    }
    this.toolLoopSince ??= now;
    const latest = this.toolLoopSince + TOOL_LOOP_HOLD_MAX_MS;
    if (now >= latest) return false;
    clearTimeout(this.toolLoopTimer);
    this.toolLoopTimer = setTimeout(() => this.fill(), (this.toolSteps > 0 ? latest : Math.min(latest, this.toolResultsDueUntil)) - now);
    this.toolLoopTimer.unref();
    return true;
  }

  private fill(): void {
    if (this.closed || this.coldStarts > 0 || this.heldByToolLoop()) return;
    for (const follower of this.followers) follower.fill();
    if (this.retryTimer) return;
    while (this.ready.length + this.warming < this.opts.size) {
      const started = this.warm();
      this.starting.add(started);
      void started.finally(() => this.starting.delete(started));
    }
  }

  private async warm(): Promise<void> {
    this.warming++;
    const process = this.registry.handle('spare');
    const fingerprint = this.opts.fingerprint();
    const generation = this.generation;
    let stale = false;
    try {
      const spare = await (this.opts.prewarm ?? prewarm)({ options: this.opts.options(process), initializeTimeoutMs: 60_000 });
      if (this.closed) {
        spare.close();
        return;
      }
      if (generation !== this.generation) {
        stale = true;
        this.counters.discarded++;
        spare.close();
        return;
      }
      const entry: Spare = { spare, process, readyAt: Date.now(), fingerprint };
      this.ready.push(entry);
      this.failures = 0;
      // A spare that dies while parked is replaced.
      void spare.exited.then(() => {
        const at = this.ready.indexOf(entry);
        if (at !== -1) {
          this.ready.splice(at, 1);
          this.fill();
        }
      });
    } catch (err) {
      this.failures++;
      const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length) - 1]!;
      this.logger.warn({ err: (err as Error).message, retryInMs: delay }, 'could not prewarm a Claude Code spare');
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.fill();
      }, delay);
      this.retryTimer.unref();
    } finally {
      this.warming--;
      // A spare discarded as it came up is replaced.
      if (stale) this.fill();
    }
  }

  /**
   * Let go of spares that no longer fit (Claude Code or its login changed
   * since they started; they are replaced at once) and of those unused too
   * long (replaced at the next request). Runs on a timer; a request checks
   * the fit again when it takes a spare.
   */
  sweep(): void {
    const current = this.opts.fingerprint();
    if (this.ready.some((s) => s.fingerprint !== current)) {
      this.logger.info('Claude Code or its login changed: replacing the warm spares');
      this.discardAll();
      return;
    }
    const now = Date.now();
    for (const spare of [...this.ready]) {
      if (now - spare.readyAt > this.opts.idleMs) {
        this.ready.splice(this.ready.indexOf(spare), 1);
        this.counters.discarded++;
        spare.spare.close();
      }
    }
  }
}
