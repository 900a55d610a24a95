import type { OutputFlow } from './output-flow.js';
import type { ModelEntry, ResolvedModel } from './model-names.js';
import type { BridgeRequest, RunEvent } from './types.js';

/**
 * What the pipeline and the HTTP side need of Claude Code, as small
 * interfaces: `claude/` implements them (ClaudeRunner, ModelCatalog,
 * inspectExecutable) and the server wires the implementations in, so that
 * nothing outside `claude/` depends on the Agent SDK's adapter.
 */

export interface RunSpec {
  request: BridgeRequest;
  /** Model to ask Claude Code for; undefined for its default. */
  sdkModel: string | undefined;
  /** The model id the name resolved to, when known (what Claude Code's notes and the API call it). */
  modelId?: string;
  /** Aborted when the client leaves or a limit is hit; `reason` says why. */
  signal: AbortSignal;
  /** Held while the client does not read: the run's process is then not read either. */
  flow?: OutputFlow;
}

/** A run in progress. */
export interface RunHandle {
  events: AsyncGenerator<RunEvent>;
  /** End Claude's turn now (the answer is complete for the client); the run still ends with `end`. */
  interrupt(): void;
  /** Whether the stop sequences went to Claude's API, so that the answer can never contain one. */
  readonly stopsSentUpstream: boolean;
  /** The answer contained a stop sequence sent to the API: Claude Code did not apply its extra body. */
  extraBodyIgnored(): void;
}

/** Runs requests through Claude Code. */
export interface Runner {
  start(spec: RunSpec): RunHandle;
}

export interface AccountSummary {
  /** How Claude Code authenticates (never the credential itself). */
  apiKeySource: string | undefined;
  tokenSource: string | undefined;
  apiProvider: string | undefined;
}

/** What is known of the models the user's Claude Code offers. */
export interface ModelSnapshot {
  entries: readonly ModelEntry[];
  fetchedAt: number;
  account: AccountSummary | undefined;
  source: 'claude-code' | 'fallback';
  error: string | undefined;
}

/** The models Claude Code offers, and the names clients may use for them. */
export interface ModelSource {
  /** Current knowledge, without waiting (when nothing is known yet, Claude Code is asked in the background). */
  current(): Readonly<ModelSnapshot>;
  /** The model list, fetched anew when the cached one is stale. */
  list(): Promise<Readonly<ModelSnapshot>>;
  /** The model a requested name means, or undefined when there is none. */
  resolve(requested: string | undefined): Promise<ResolvedModel | undefined>;
}

/** The Claude Code executable the bridge runs, as found at start-up. */
export interface ExecutableInfo {
  path: string | undefined;
  found: boolean;
  version: string | undefined;
  error: string | undefined;
}
