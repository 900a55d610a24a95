import { startup, type Options, type Query, type SDKUserMessage, type WarmQuery } from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../logger.js';
import { localDate } from './conversation-preamble.js';
import { residentBytes } from './process-memory.js';
import type { ProcessHandle, ProcessRegistry } from './process-registry.js';
import type { PoolFollower } from './spare-pool.js';
import { ToolResultBroker } from './tool-result-broker.js';

/** A configuration a Claude Code process can be started with before the request that needs it: everything but the conversation. */
export interface PrestartRecipe {
  /** Equal keys start processes that send Claude the same thing. */
  key: string;
  /** SDK options of a process of this configuration, whose client tools are answered through `broker`. */
  options(process: ProcessHandle, broker: ToolResultBroker): Options;
  /** CLAUDE_CODE_EXTRA_BODY the process starts with ('{}' when nothing is added). */
  extraBody: string;
}

/** A process started ahead, handed over to the request it serves. */
export interface Prestarted {
  /** Give the process its input (the conversation's first message) and get the run. */
  query(prompt: AsyncIterable<SDKUserMessage>): Query;
  process: ProcessHandle;
  broker: ToolResultBroker;
  extraBody: string;
}

export interface PrestartOptions {
  /** Resident memory the waiting processes may hold together; 0 turns pre-starting off. */
  budgetBytes: number;
  /** A configuration not asked for this long is forgotten, and its process ended (never the default one). */
  idleMs: number;
  /** The configuration of a request that sets nothing: always kept ready, first in the budget. */
  defaultRecipe: PrestartRecipe;
  /** What processes depend on besides their configuration (the executable, the login). */
  fingerprint: () => string;
}

export interface PrestartStats {
  budgetBytes: number;
  ready: number;
  warming: number;
  /** Configurations seen in recent traffic (the default one not counted). */
  known: number;
  /** Resident memory of the ready processes now. */
  residentBytes: number;
  /** Requests served by a ready process (or one that became ready while they waited). */
  taken: number;
  /** Ready processes ended to make room for a configuration asked for more recently. */
  evicted: number;
}

interface Ready {
  recipe: PrestartRecipe;
  warm: WarmQuery;
  process: ProcessHandle;
  broker: ToolResultBroker;
  /** The local day it started on: Claude Code's date note must be today's. */
  day: string;
  fingerprint: string;
}

/** Assumed for a process before one was measured (and always where /proc is missing). */
const ASSUMED_BYTES = 250 * 1024 ** 2;
/** Configurations remembered at most; only those that fit the budget get a process. */
const MAX_KNOWN = 64;
const RETRY_MS = [1_000, 5_000, 30_000, 120_000];
/** When a run served by a pre-started process goes on this long, its replacement starts anyway. */
const REPLENISH_LATEST_MS = 3_000;

/**
 * Claude Code processes started before the request that needs them, each
 * with a whole configuration (system prompt, tools, model, effort, output
 * format, extra body), up and waiting for a new conversation's first
 * message. A new conversation whose configuration matches one is answered
 * without any start-up: the process is exactly the one a cold start would
 * have started, only earlier, so Claude receives the same request.
 *
 * Which configurations: the default one always, then those of recent new
 * conversations, most recent first, as many as `budgetBytes` holds
 * (measured, each process's resident memory). One process per configuration,
 * started one at a time and only when no request is starting Claude Code
 * cold (the leader pool decides when: see SparePool.follow).
 */
export class PrestartedSessions implements PoolFollower {
  /** Configurations seen, least recently first (the default one is not among them). */
  private readonly known = new Map<string, PrestartRecipe>();
  private readonly lastSeen = new Map<string, number>();
  private readonly ready = new Map<string, Ready>();
  private readonly warming = new Map<string, Promise<void>>();
  private largestSeen = 0;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private replenishTimer: NodeJS.Timeout | undefined;
  private readonly sweepTimer: NodeJS.Timeout | undefined;
  private requestFill: () => void = () => this.fill();
  /** Goes up with each discardAll: a process that was starting then is ended when it is up. */
  private generation = 0;
  private closed = false;
  private readonly counters = { taken: 0, evicted: 0 };

  constructor(
    private readonly opts: PrestartOptions,
    private readonly registry: ProcessRegistry,
    private readonly logger: Logger,
  ) {
    if (this.enabled) {
      this.sweepTimer = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1_000, opts.idleMs / 4)));
      this.sweepTimer.unref();
    }
  }

  private get enabled(): boolean {
    return this.opts.budgetBytes > 0;
  }

  follow(fill: () => void): void {
    this.requestFill = fill;
  }

  /**
   * The process started ahead for this configuration, if one is ready, or
   * is starting (it is further along than a cold start would be). Its
   * replacement starts once the request is over, as a spare's does.
   */
  async take(key: string, signal?: AbortSignal): Promise<Prestarted | undefined> {
    if (this.closed || !this.enabled) return undefined;
    if (this.fingerprintChanged()) this.discardAll();
    let entry = this.claim(key);
    const starting = entry ? undefined : this.warming.get(key);
    if (starting) {
      await waitOrAbort(starting, signal);
      entry = signal?.aborted ? undefined : this.claim(key);
    }
    clearTimeout(this.replenishTimer);
    this.replenishTimer = setTimeout(() => this.requestFill(), REPLENISH_LATEST_MS);
    this.replenishTimer.unref();
    if (!entry) return undefined;
    this.counters.taken++;
    entry.process.setRole('run');
    const { warm } = entry;
    return { query: (prompt) => warm.query(prompt), process: entry.process, broker: entry.broker, extraBody: entry.recipe.extraBody };
  }

  /** A new conversation had this configuration: it is kept ready from now on, budget permitting. */
  learn(recipe: PrestartRecipe): void {
    if (!this.enabled || recipe.key === this.opts.defaultRecipe.key) return;
    this.known.delete(recipe.key);
    this.known.set(recipe.key, recipe);
    this.lastSeen.set(recipe.key, Date.now());
    while (this.known.size > MAX_KNOWN) this.forget(this.known.keys().next().value as string);
  }

  /** Start what is missing, one process at a time; end what no longer fits the budget. */
  fill(): void {
    if (this.closed || !this.enabled || this.retryTimer) return;
    const wanted = this.wanted();
    for (const [key, entry] of [...this.ready]) {
      if (wanted.has(key)) continue;
      this.ready.delete(key);
      this.counters.evicted++;
      end(entry);
    }
    if (this.warming.size > 0) return;
    for (const recipe of wanted.values()) {
      if (!this.ready.has(recipe.key)) {
        this.start(recipe);
        return;
      }
    }
  }

  /** End every ready process, and those starting (Claude Code or the login changed); new ones start with the next fill. */
  discardAll(): void {
    this.generation++;
    for (const entry of this.ready.values()) end(entry);
    this.ready.clear();
  }

  /** Forget the configurations learned from traffic and end their processes; the default one stays. */
  forgetLearned(): void {
    for (const key of [...this.known.keys()]) this.forget(key);
  }

  stats(): PrestartStats {
    let resident = 0;
    for (const entry of this.ready.values()) resident += residentBytes(entry.process.pid) ?? 0;
    return {
      budgetBytes: this.opts.budgetBytes,
      ready: this.ready.size,
      warming: this.warming.size,
      known: this.known.size,
      residentBytes: resident,
      ...this.counters,
    };
  }

  /** The configuration keys with a ready process (for tests and the status page). */
  readyKeys(): string[] {
    return [...this.ready.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.replenishTimer);
    this.discardAll();
    await Promise.all([...this.warming.values()]);
  }

  /**
   * Let go of processes that died, that started on another day (Claude Code
   * dates its conversations), or whose executable or login changed; forget
   * configurations not asked for in `idleMs`; then refill.
   */
  sweep(): void {
    if (this.closed) return;
    if (this.fingerprintChanged()) {
      this.logger.info('Claude Code or its login changed: replacing the pre-started sessions');
      this.discardAll();
    }
    const today = localDate();
    for (const [key, entry] of [...this.ready]) {
      if (entry.process.exited || entry.day !== today) {
        this.ready.delete(key);
        end(entry);
      } else {
        this.largestSeen = Math.max(this.largestSeen, residentBytes(entry.process.pid) ?? 0);
      }
    }
    const now = Date.now();
    for (const key of [...this.known.keys()]) if (now - this.lastSeen.get(key)! > this.opts.idleMs) this.forget(key);
    this.requestFill();
  }

  /**
   * The configurations to keep ready, the default first and then the most
   * recently asked for, as many as the budget holds: a ready process counts
   * at its resident memory now, one still to start at the largest measured.
   */
  private wanted(): Map<string, PrestartRecipe> {
    const order = [this.opts.defaultRecipe, ...[...this.known.values()].reverse()];
    const assumed = this.largestSeen || ASSUMED_BYTES;
    const wanted = new Map<string, PrestartRecipe>();
    let used = 0;
    for (const recipe of order) {
      const held = this.ready.get(recipe.key);
      const cost = (held && residentBytes(held.process.pid)) || assumed;
      // The default configuration is kept whatever the budget (it is the floor, not a choice).
      if (wanted.size > 0 && used + cost > this.opts.budgetBytes) break;
      used += cost;
      wanted.set(recipe.key, recipe);
    }
    return wanted;
  }

  private isWanted(key: string): boolean {
    return key === this.opts.defaultRecipe.key || this.known.has(key);
  }

  private claim(key: string): Ready | undefined {
    const entry = this.ready.get(key);
    if (!entry) return undefined;
    this.ready.delete(key);
    if (entry.process.exited || entry.day !== localDate() || entry.fingerprint !== this.opts.fingerprint()) {
      end(entry);
      return undefined;
    }
    return entry;
  }

  private forget(key: string): void {
    this.known.delete(key);
    this.lastSeen.delete(key);
    const entry = this.ready.get(key);
    if (entry) {
      this.ready.delete(key);
      end(entry);
    }
  }

  private fingerprintChanged(): boolean {
    const current = this.opts.fingerprint();
    return [...this.ready.values()].some((entry) => entry.fingerprint !== current);
  }

  private start(recipe: PrestartRecipe): void {
    const process = this.registry.handle('prestarted');
    const broker = new ToolResultBroker();
    const fingerprint = this.opts.fingerprint();
    const generation = this.generation;
    const started = (async () => {
      try {
        const warm = await startup({ options: recipe.options(process, broker), initializeTimeoutMs: 60_000 });
        const entry: Ready = { recipe, warm, process, broker, day: localDate(), fingerprint };
        if (this.closed || generation !== this.generation || fingerprint !== this.opts.fingerprint() || !this.isWanted(recipe.key)) {
          end(entry);
          return;
        }
        this.largestSeen = Math.max(this.largestSeen, residentBytes(process.pid) ?? 0);
        this.ready.set(recipe.key, entry);
        this.failures = 0;
      } catch (err) {
        broker.close();
        if (this.closed) return;
        this.failures++;
        const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length) - 1]!;
        this.logger.warn({ err: (err as Error).message, retryInMs: delay }, 'could not pre-start a Claude Code session');
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.requestFill();
        }, delay);
        this.retryTimer.unref();
      } finally {
        this.warming.delete(recipe.key);
        // The next one, when starting it slows no request down.
        if (!this.closed) this.requestFill();
      }
    })();
    this.warming.set(recipe.key, started);
  }
}

/** End a waiting process: it holds no conversation, so nothing is lost and nothing is sent. */
function end(entry: Ready): void {
  entry.warm.close();
  entry.broker.close();
  if (entry.process.pid !== undefined && !entry.process.exited) {
    try {
      process.kill(entry.process.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function waitOrAbort(promise: Promise<unknown>, signal: AbortSignal | undefined): Promise<unknown> {
  if (!signal) return promise;
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve(undefined);
    };
    signal.addEventListener('abort', done, { once: true });
    void promise.finally(done);
  });
}
