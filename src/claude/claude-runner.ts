import { query } from '@anthropic-ai/claude-agent-sdk';
import type { Config } from '../config.js';
import type { OutputFlow } from '../core/output-flow.js';
import type { BridgeRequest, RunEvent, Turn } from '../core/types.js';
import type { UsageLimits } from '../core/usage-limits.js';
import { BridgeError } from '../errors/bridge-error.js';
import type { Logger } from '../logger.js';
import { ClaudeSession, promptMessage } from './claude-session.js';
import { CLIENT_TOOL_PREFIX } from './client-tools.js';
import { canonicalCallId, conversationKey, sessionContext, type SessionContext } from './conversation-key.js';
import { InputQueue } from './input-queue.js';
import type { LiveSessions } from './live-sessions.js';
import type { ProcessRegistry } from './process-registry.js';
import { claimable, claimOptions, coldOptions, endsWithToolResults, sessionOptions, systemPrompt } from './run-options.js';
import { SdkMessageNormalizer } from './sdk-message-normalizer.js';
import type { SparePool } from './spare-pool.js';
import type { WorkDirs } from './work-dirs.js';
import { toCallToolResult, ToolResultBroker } from './tool-result-broker.js';
import { toUsageLimitsReport } from './usage-limits-report.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export interface RunSpec {
  request: BridgeRequest;
  /** Model to ask Claude Code for; undefined for its default. */
  sdkModel: string | undefined;
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
}

/** How a run got its Claude Code process (for metrics and tests). */
export type RunOrigin = 'live' | 'spare' | 'cold';

export interface RunnerDeps {
  config: Config;
  logger: Logger;
  registry: ProcessRegistry;
  pool: SparePool;
  live: LiveSessions;
  workDirs: WorkDirs;
  /** Where Claude Code's reports of the account's usage limits go. */
  usageLimits?: UsageLimits;
  onOrigin?: (origin: RunOrigin) => void;
}

/**
 * Runs one request through Claude Code. The process comes from, in order of
 * preference: the live session that answered this conversation's previous
 * turn (the new turn is pushed into it), a warm spare (for a first turn it
 * can serve), or a cold start with the history as a resumed transcript.
 * Afterwards a process whose conversation can go on is parked for the next
 * turn; any other is ended. Yields RunEvents; throws BridgeError; ending the
 * iteration early or aborting the signal ends the process.
 */
export class ClaudeRunner {
  /** How many runs got their process which way. */
  readonly origins: Record<RunOrigin, number> = { live: 0, spare: 0, cold: 0 };

  constructor(private readonly deps: RunnerDeps) {}

  private note(origin: RunOrigin): void {
    this.origins[origin]++;
    this.deps.onOrigin?.(origin);
  }

  start(spec: RunSpec): RunHandle {
    const normalizer = new SdkMessageNormalizer({
      clientToolPrefix: CLIENT_TOOL_PREFIX,
      upstreamRetries: this.deps.config.upstreamRetries,
      clientToolsOffered: spec.request.tools.length > 0,
      ...(spec.request.parallelToolCalls ? {} : { maxToolCalls: 1 }),
      structuredOutput: spec.request.outputFormat !== undefined,
      usageFromStream: endsWithToolResults(spec.request.turns),
      onRateLimit: (info) => {
        const report = toUsageLimitsReport(info);
        if (report) this.deps.usageLimits?.record(report);
      },
    });
    let session: ClaudeSession | undefined;
    let interrupted = false;
    return {
      events: this.run(spec, normalizer, (s) => {
        session = s;
        if (interrupted) s.interrupt();
      }, () => interrupted),
      interrupt() {
        if (interrupted) return;
        interrupted = true;
        normalizer.markInterrupted();
        session?.interrupt();
      },
    };
  }

  private async *run(
    spec: RunSpec,
    normalizer: SdkMessageNormalizer,
    onSession: (session: ClaudeSession) => void,
    wasInterrupted: () => boolean,
  ): AsyncGenerator<RunEvent> {
    const { request, sdkModel, signal } = spec;
    signal.throwIfAborted();
    const context = sessionContext(request, sdkModel, systemPrompt(request, this.deps.config));
    const { session, origin } = await this.acquireSession(spec, context);
    onSession(session);
    spec.flow?.attach(session.process);
    let starting = origin === 'cold';
    const started = (): void => {
      if (!starting) return;
      starting = false;
      this.deps.pool.coldStartEnded();
    };
    let parked = false;
    let text = '';
    const calls = new Map<number, { id: string; name: string; args: string }>();
    try {
      // Claude Code's first message (its start-up report) says the process is up.
      for await (const event of session.turn(normalizer, signal, started)) {
        if (event.type === 'text') text += event.text;
        if (event.type === 'tool_call_start') calls.set(event.index, { id: event.id, name: event.name, args: '' });
        if (event.type === 'tool_call_delta') calls.get(event.index)!.args += event.argumentsDelta;
        if (event.type === 'end') {
          const answer = this.canContinue(request, event, normalizer, wasInterrupted()) ? answerTurn(text, [...calls.values()]) : undefined;
          if (answer) {
            session.awaitedToolCalls = [...normalizer.toolCallIds];
            this.deps.live.park(conversationKey(context, [...request.turns, answer]), session);
            parked = true;
          } else {
            // Decided before the client hears of the end: Claude Code must not act on its own meanwhile.
            session.abandon();
          }
        }
        yield event;
      }
    } catch (err) {
      if (err instanceof BridgeError && err.kind === 'authentication') this.deps.pool.discardAll();
      throw err;
    } finally {
      // A parked process must not stay held by a client that is gone.
      spec.flow?.detach();
      // A process that is not kept has nothing left to do for anyone: it ends at once.
      if (!parked) session.abandon();
      started();
      this.deps.pool.replenish();
    }
  }

  /**
   * A session may be continued only when what Claude Code holds is what the
   * client will send back: an answer that reached its end, or its client tool
   * calls (whose handlers then wait for the results), all of them handed
   * back; not one cut by a stop sequence or a limit, nor structured output.
   */
  private canContinue(
    request: BridgeRequest,
    end: Extract<RunEvent, { type: 'end' }>,
    normalizer: SdkMessageNormalizer,
    interrupted: boolean,
  ): boolean {
    if (interrupted || request.outputFormat !== undefined) return false;
    if (end.stopReason === 'end_turn') return true;
    return end.stopReason === 'tool_use' && normalizer.toolCallIds.length > 0 && !normalizer.droppedToolCalls;
  }

  private async acquireSession(spec: RunSpec, context: SessionContext): Promise<{ session: ClaudeSession; origin: RunOrigin }> {
    const live = this.continueLive(spec.request, context);
    if (live) {
      this.note('live');
      return { session: live, origin: 'live' };
    }
    if (claimable(spec.request)) {
      const claimed = await this.claimSpare(spec);
      if (claimed) {
        this.note('spare');
        return { session: claimed, origin: 'spare' };
      }
    }
    this.note('cold');
    const session = await this.startCold(spec);
    this.deps.pool.coldStartBegan();
    return { session, origin: 'cold' };
  }

  /**
   * The live session that holds this conversation up to its last turn, with
   * that turn handed to it: a user message is pushed as the next prompt;
   * tool results go to the handlers of the calls they answer, and Claude's
   * turn goes on. Undefined when no session fits.
   */
  private continueLive(request: BridgeRequest, context: SessionContext): ClaudeSession | undefined {
    if (request.turns.length < 2) return undefined;
    const last = request.turns.at(-1)!;
    let results: Array<[string, CallToolResult]> | undefined;
    if (last.role === 'user' && last.content.some((b) => b.type === 'tool_result')) {
      // Only a turn of nothing but results can be handed to waiting handlers.
      results = [];
      for (const block of last.content) {
        const result = block.type === 'tool_result' ? toCallToolResult(block) : undefined;
        if (block.type !== 'tool_result' || !result) return undefined;
        results.push([block.tool_use_id, result]);
      }
    }
    const key = conversationKey(context, request.turns.slice(0, -1));
    const session = this.deps.live.take(key);
    if (!session) return undefined;
    if (!results) {
      if (session.awaitedToolCalls.length > 0) {
        session.close();
        return undefined;
      }
      session.send(last);
      return session;
    }
    const awaited = session.awaitedToolCalls;
    const byCanonical = new Map(awaited.map((id) => [canonicalCallId(id), id]));
    if (results.length !== awaited.length || results.some(([id]) => !byCanonical.has(canonicalCallId(id)))) {
      session.close();
      return undefined;
    }
    session.awaitedToolCalls = [];
    for (const [id, result] of results) session.toolResults.provide(byCanonical.get(canonicalCallId(id))!, result);
    return session;
  }

  /** A warm spare bound to this request, or undefined when none is ready or the claim is refused. */
  private async claimSpare(spec: RunSpec): Promise<ClaudeSession | undefined> {
    const spare = this.deps.pool.take();
    if (!spare) return undefined;
    const cwd = await this.deps.workDirs.create();
    const input = new InputQueue();
    input.push(promptMessage(spec.request.turns[0]!));
    try {
      const q = spare.spare.claim({ prompt: input, options: claimOptions(spec.request, this.deps.config, cwd, spec.sdkModel) });
      const session = new ClaudeSession(q, input, cwd, this.deps.workDirs, spare.process);
      try {
        await spare.spare.claimed;
        return session;
      } catch (err) {
        // Refused (or, with option_not_applied, running without the model asked
        // for): either way this process cannot give the answer the client asked for.
        this.deps.logger.info({ err: (err as Error).message }, 'a warm spare refused the claim; starting Claude Code cold');
        this.deps.pool.recordRefusal();
        session.close();
        return undefined;
      }
    } catch (err) {
      this.deps.pool.recordRefusal();
      spare.spare.close();
      input.close();
      await this.deps.workDirs.remove(cwd);
      this.deps.logger.info({ err: (err as Error).message }, 'could not claim a warm spare; starting Claude Code cold');
      return undefined;
    }
  }

  private async startCold(spec: RunSpec): Promise<ClaudeSession> {
    const { config, registry, workDirs } = this.deps;
    const cwd = await workDirs.create();
    const process = registry.handle('run');
    const broker = new ToolResultBroker();
    const { options, prompt } = coldOptions(spec.request, config, cwd, spec.sdkModel, sessionOptions(config, registry, process), broker);
    const input = new InputQueue();
    if (prompt) input.push(promptMessage(prompt));
    return new ClaudeSession(query({ prompt: input, options }), input, cwd, workDirs, process, broker);
  }
}

/** The answer as the client will send it back in its history, or undefined when its arguments are not JSON. */
function answerTurn(text: string, calls: Array<{ id: string; name: string; args: string }>): Turn | undefined {
  const content: Extract<Turn, { role: 'assistant' }>['content'] = text ? [{ type: 'text', text }] : [];
  for (const call of calls) {
    try {
      content.push({ type: 'tool_use', id: call.id, name: call.name, input: JSON.parse(call.args || '{}') as Record<string, unknown> });
    } catch {
      return undefined;
    }
  }
  return { role: 'assistant', content };
}
