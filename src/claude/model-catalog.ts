import { query, type SDKControlInitializeResponse, type SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import type { Config } from '../config.js';
import { FALLBACK_MODELS, resolveModelName, type ModelEntry, type ResolvedModel } from '../core/model-names.js';
import type { AccountSummary, ModelSnapshot, ModelSource } from '../core/ports.js';
import type { Logger } from '../logger.js';
import type { ProcessRegistry } from './process-registry.js';
import { baseOptions } from './sdk-environment.js';
import type { Workspace } from './workspace.js';

type Snapshot = ModelSnapshot;

const FETCH_TIMEOUT_MS = 30_000;
/** After a failed attempt, wait this long before asking Claude Code again. */
const RETRY_AFTER_FAILURE_MS = 60_000;

/**
 * The models the user's Claude Code offers, as Claude Code itself lists them.
 * Every Claude Code process tells its list when it starts, so runs keep the
 * list current at no cost (`learn`); Claude Code is asked on its own (a
 * process started for nothing else) only when the list is needed and no run
 * has told it within `modelsCacheMs`: `/v1/models`, a model name the list
 * does not know, the CLI's banner, or the first look at `/health` or the
 * status page. The static fallback list stands in until then, or when Claude
 * Code cannot be asked.
 */
export class ModelCatalog implements ModelSource {
  private snapshot: Snapshot = {
    entries: FALLBACK_MODELS,
    fetchedAt: 0,
    account: undefined,
    source: 'fallback',
    error: undefined,
  };
  private inFlight: Promise<void> | undefined;
  private lastAttemptAt = 0;
  private readonly closing = new AbortController();

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly registry: ProcessRegistry,
    private readonly workspace: Workspace,
  ) {}

  /** Current knowledge, without waiting; when nothing was learnt or asked yet, Claude Code is asked in the background. */
  current(): Readonly<Snapshot> {
    if (this.lastAttemptAt === 0 && this.snapshot.source === 'fallback') void this.refresh();
    return this.snapshot;
  }

  /**
   * What a Claude Code process said when it started (every run's process says it): its models and the account.
   * Returns whether it listed any models (a list without any is not taken).
   */
  learn(init: Pick<SDKControlInitializeResponse, 'models' | 'account'>): boolean {
    const entries = toEntries(init.models);
    if (entries.length === 0) return false;
    this.snapshot = { entries, fetchedAt: Date.now(), account: toAccount(init.account), source: 'claude-code', error: undefined };
    return true;
  }

  /** The model list, fetched anew when the cached one is stale. */
  async list(): Promise<Readonly<Snapshot>> {
    if (this.inFlight || this.isStale()) await this.refresh();
    return this.snapshot;
  }

  /**
   * Resolve a requested name. A name the current list knows is answered at
   * once (the run it is for tells the list anew); an unknown one waits for
   * Claude Code's own list before it is refused.
   */
  async resolve(requested: string | undefined): Promise<ResolvedModel | undefined> {
    const quick = resolveModelName(requested, this.snapshot.entries);
    if (quick) return quick;
    if (this.inFlight || this.isStale()) await this.refresh();
    return resolveModelName(requested, this.snapshot.entries);
  }

  /** Start (or join) a fetch; never rejects. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Stop any fetch in progress (its process ends with it). */
  async close(): Promise<void> {
    this.closing.abort();
    await this.inFlight;
  }

  private isStale(): boolean {
    if (this.snapshot.source === 'fallback') return Date.now() - this.lastAttemptAt > RETRY_AFTER_FAILURE_MS;
    return Date.now() - this.snapshot.fetchedAt > this.config.modelsCacheMs;
  }

  private async fetch(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.lastAttemptAt = Date.now();
    const cwd = this.workspace.runFolder();
    const abortController = new AbortController();
    const onClose = () => abortController.abort();
    this.closing.signal.addEventListener('abort', onClose);
    const timer = setTimeout(() => abortController.abort(), FETCH_TIMEOUT_MS);
    // Streaming input that never sends a message: the process starts, answers
    // control requests, and is closed without a single call to Claude.
    let release: () => void = () => undefined;
    const idle = new Promise<void>((resolve) => (release = resolve));
    // eslint-disable-next-line require-yield -- the point: an input that never yields a message
    async function* noPrompt(): AsyncGenerator<SDKUserMessage> {
      await idle;
    }
    const q = query({
      prompt: noPrompt(),
      options: {
        ...baseOptions(this.config, cwd),
        persistSession: false,
        abortController,
        spawnClaudeCodeProcess: this.registry.spawner(this.registry.handle('catalog')),
      },
    });
    try {
      if (!this.learn(await q.initializationResult())) throw new Error('Claude Code listed no models');
      this.logger.debug({ models: this.snapshot.entries.map((e) => e.alias) }, 'model list fetched from Claude Code');
    } catch (err) {
      const message = abortController.signal.aborted ? 'timed out or stopped' : (err as Error).message;
      this.snapshot = { ...this.snapshot, error: `Could not ask Claude Code for its models: ${message}` };
      this.logger.warn({ err: message }, 'could not fetch the model list from Claude Code; using the fallback list');
    } finally {
      clearTimeout(timer);
      this.closing.signal.removeEventListener('abort', onClose);
      release();
      q.close();
    }
  }
}

function toEntries(models: SDKControlInitializeResponse['models'] | undefined): ModelEntry[] {
  return (models ?? []).map((m) => ({ alias: m.value, resolvedId: m.resolvedModel, displayName: m.displayName, description: m.description }));
}

function toAccount(account: SDKControlInitializeResponse['account'] | undefined): AccountSummary {
  return { apiKeySource: account?.apiKeySource, tokenSource: account?.tokenSource, apiProvider: account?.apiProvider };
}
