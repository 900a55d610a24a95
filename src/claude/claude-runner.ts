import { query, type Query, type SDKControlInitializeResponse } from '@anthropic-ai/claude-agent-sdk';
import type { Config } from '../config.js';
import type { Runner, RunHandle, RunSpec } from '../core/ports.js';
import type { BridgeRequest, RunEvent, Turn } from '../core/types.js';
import { RunCollector } from '../core/run-result.js';
import type { UsageLimits } from '../core/usage-limits.js';
import { BridgeError } from '../errors/bridge-error.js';
import type { Logger } from '../logger.js';
import { ClaudeSession, promptMessage, type SessionFiles } from './claude-session.js';
import { CLIENT_TOOL_PREFIX } from './client-tools.js';
import type { ConversationPreamble } from './conversation-preamble.js';
import { canonicalCallId, conversationKey, sessionContext, type SessionContext } from './conversation-key.js';
import { planExtraBody, refusedFields, type ExtraBodyPlan, type ModelRefusals } from './extra-body.js';
import { InputQueue } from './input-queue.js';
import type { LiveSessions } from './live-sessions.js';
import { poolRunTicket, type RunOrigin } from './pool-policy.js';
import type { Prestarted, PrestartedSessions } from './prestarted-sessions.js';
import type { ProcessRegistry } from './process-registry.js';
import {
  claimable,
  claimOptions,
  coldOptions,
  endsWithToolResults,
  extraBodyValue,
  prestartable,
  prestartRecipe,
  sessionOptions,
  startConversation,
  systemPrompt,
} from './run-options.js';
import { withoutTimedCollection } from './sdk-environment.js';
import { SdkMessageNormalizer } from './sdk-message-normalizer.js';
import type { SparePool } from './spare-pool.js';
import { toCallToolResult, ToolResultBroker } from './tool-result-broker.js';
import { toUsageLimitsReport } from './usage-limits-report.js';
import type { Workspace } from './workspace.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export type { RunOrigin } from './pool-policy.js';

/** Claude Code's messages → RunEvents for this request, set up as every run of it needs. */
export function normalizerFor(request: BridgeRequest, upstreamRetries: number, usageLimits: UsageLimits | undefined): SdkMessageNormalizer {
  return new SdkMessageNormalizer({
    clientToolPrefix: CLIENT_TOOL_PREFIX,
    upstreamRetries,
    clientToolsOffered: request.tools.length > 0,
    ...(request.parallelToolCalls ? {} : { maxToolCalls: 1 }),
    structuredOutput: request.outputFormat !== undefined,
    usageFromStream: endsWithToolResults(request.turns),
    onRateLimit: (info) => {
      const report = toUsageLimitsReport(info);
      if (report) usageLimits?.record(report);
    },
  });
}

export interface RunnerDeps {
  config: Config;
  logger: Logger;
  registry: ProcessRegistry;
  pool: SparePool;
  /** Processes started ahead with the configurations of recent new conversations. */
  prestarted: PrestartedSessions;
  live: LiveSessions;
  workspace: Workspace;
  preamble: ConversationPreamble;
  refusals: ModelRefusals;
  /** Where Claude Code's reports of the account's usage limits go. */
  usageLimits?: UsageLimits;
  /** Hears what each run's process says of itself as it starts (its models, the account). */
  models?: { learn(init: SDKControlInitializeResponse): void };
  onOrigin?: (origin: RunOrigin) => void;
}

interface RunState {
  normalizer: SdkMessageNormalizer | undefined;
  session: ClaudeSession | undefined;
  interrupted: boolean;
  stopsUpstream: boolean;
}

/**
 * Runs one request through Claude Code. The process comes from, in order of
 * preference: the live session that answered this conversation's previous
 * turn (the new turn is pushed into it), a process started ahead with this
 * new conversation's whole configuration, a warm spare (for a first turn it
 * can serve), or a cold start with the history as a resumed transcript.
 * Afterwards a process whose conversation can go on is parked for the next
 * turn; any other is ended. Yields RunEvents; throws BridgeError; ending the
 * iteration early or aborting the signal ends the process.
 */
export class ClaudeRunner implements Runner {
  /** How many runs got their process which way. */
  readonly origins: Record<RunOrigin, number> = { live: 0, prestarted: 0, spare: 0, cold: 0 };
  /** False once Claude Code was seen to ignore CLAUDE_CODE_EXTRA_BODY (an organisation policy can disable it). */
  private extraBodyHonoured = true;

  constructor(private readonly deps: RunnerDeps) {}

  private note(origin: RunOrigin): void {
    this.origins[origin]++;
    this.deps.onOrigin?.(origin);
  }

  start(spec: RunSpec): RunHandle {
    const state: RunState = { normalizer: undefined, session: undefined, interrupted: false, stopsUpstream: false };
    return {
      events: this.run(spec, state),
      interrupt() {
        if (state.interrupted) return;
        state.interrupted = true;
        state.normalizer?.markInterrupted();
        state.session?.interrupt();
      },
      get stopsSentUpstream() {
        return state.stopsUpstream;
      },
      extraBodyIgnored: () => {
        if (!this.extraBodyHonoured) return;
        this.extraBodyHonoured = false;
        this.deps.logger.warn(
          'Claude Code did not apply CLAUDE_CODE_EXTRA_BODY (an organisation policy can disable it): sampling parameters and forced tool choice are no longer sent to Claude\'s API; stop sequences are applied by the bridge',
        );
      },
    };
  }

  /**
   * One attempt, and a second when Claude's API refused a field of the
   * extra body for this model (current models refuse sampling parameters and
   * forced tool use): the bridge then knows, and does without it.
   */
  private async *run(spec: RunSpec, state: RunState): AsyncGenerator<RunEvent> {
    // The alias and the id it resolves to (once Claude Code's model list is in) name the same model.
    const modelKeys = [spec.sdkModel ?? 'default', ...(spec.modelId ? [spec.modelId] : [])];
    for (let attempt = 0; ; attempt++) {
      const plan = planExtraBody(spec.request, this.deps.refusals.of(modelKeys), this.extraBodyHonoured);
      let yielded = false;
      try {
        for await (const event of this.runOnce(spec, plan, state)) {
          yielded = true;
          yield event;
        }
        return;
      } catch (err) {
        const refused =
          !yielded && attempt === 0 && err instanceof BridgeError && err.code === 'upstream_invalid_request' ? refusedFields(err.message, plan.body) : [];
        if (refused.length === 0) throw err;
        this.deps.refusals.record(modelKeys, refused);
        this.deps.logger.info({ model: modelKeys.at(-1), refused }, "Claude's API refused these request fields for this model; the bridge does without them");
      }
    }
  }

  private async *runOnce(spec: RunSpec, plan: ExtraBodyPlan, state: RunState): AsyncGenerator<RunEvent> {
    const { request, sdkModel, signal } = spec;
    signal.throwIfAborted();
    state.stopsUpstream = 'stop_sequences' in plan.body;
    const normalizer = normalizerFor(request, this.deps.config.upstreamRetries, this.deps.usageLimits);
    state.normalizer = normalizer;
    if (state.interrupted) normalizer.markInterrupted();
    const context = sessionContext(request, sdkModel, systemPrompt(request, this.deps.config, plan.instructions));
    const { session, origin } = await this.acquireSession(spec, context, plan);
    // A step of a tool loop: its client answered tool calls, and Claude goes on.
    const ticket = poolRunTicket(this.deps.pool, origin, { toolStep: endsWithToolResults(request.turns), toolsOffered: request.tools.length > 0 });
    state.session = session;
    spec.flow?.attach(session.process);
    if (state.interrupted) session.interrupt();
    let parked = false;
    const answer = new RunCollector();
    try {
      // Claude Code's first message (its start-up report) says the process is up.
      for await (const event of session.turn(normalizer, signal, ticket.processUp)) {
        answer.push(event);
        if (event.type === 'end') {
          const turn = this.canContinue(request, event, normalizer, state.interrupted) ? answerTurn(answer) : undefined;
          if (turn) {
            session.awaitedToolCalls = answer.partial().toolCalls.map((call) => call.id);
            this.deps.live.park(conversationKey(context, [...request.turns, turn]), session);
            parked = true;
          } else {
            // Decided before the client hears of the end: Claude Code must not act on its own meanwhile.
            session.abandon();
          }
        }
        yield event.type === 'start' && plan.unapplied.length > 0 ? { ...event, unapplied: [...plan.unapplied] } : event;
      }
    } catch (err) {
      ticket.failed(err);
      throw err;
    } finally {
      // A parked process must not stay held by a client that is gone.
      spec.flow?.detach();
      // A process that is not kept has nothing left to do for anyone: it ends at once.
      if (!parked) session.abandon();
      ticket.ended(parked && session.awaitedToolCalls.length > 0);
    }
  }

  /**
   * A session may be continued only when what Claude Code holds is what the
   * client will send back: an answer that reached its end (or a stop
   * sequence of Claude's API), or its client tool calls (whose handlers then
   * wait for the results), all of them handed back; not one cut by the
   * bridge or a limit, nor structured output.
   */
  private canContinue(
    request: BridgeRequest,
    end: Extract<RunEvent, { type: 'end' }>,
    normalizer: SdkMessageNormalizer,
    interrupted: boolean,
  ): boolean {
    if (interrupted || request.outputFormat !== undefined) return false;
    if (end.stopReason === 'end_turn' || end.stopReason === 'stop_sequence') return true;
    return end.stopReason === 'tool_use' && normalizer.handedBackAllToolCalls;
  }

  private async acquireSession(
    spec: RunSpec,
    context: SessionContext,
    plan: ExtraBodyPlan,
  ): Promise<{ session: ClaudeSession; origin: RunOrigin }> {
    const live = await this.continueLive(spec.request, context, plan);
    if (live) {
      this.note('live');
      return { session: live, origin: 'live' };
    }
    if (prestartable(spec.request)) {
      const { config, registry, workspace, prestarted } = this.deps;
      const recipe = prestartRecipe(spec.request, config, spec.sdkModel, plan, (process) => sessionOptions(config, registry, process, workspace));
      const ready = await prestarted.take(recipe.key, spec.signal);
      // Seen now: kept ready for the next new conversation like this one.
      prestarted.learn(recipe);
      if (ready) {
        this.note('prestarted');
        return { session: this.beginPrestarted(spec, ready), origin: 'prestarted' };
      }
    }
    if (claimable(spec.request)) {
      const claimed = await this.claimSpare(spec, plan);
      if (claimed) {
        this.note('spare');
        return { session: claimed, origin: 'spare' };
      }
    }
    this.note('cold');
    const session = await this.startCold(spec, plan);
    return { session, origin: 'cold' };
  }

  /**
   * The live session that holds this conversation up to its last turn, with
   * that turn handed to it: a user message is pushed as the next prompt;
   * tool results go to the handlers of the calls they answer, and Claude's
   * turn goes on. The process gets this turn's extra body first. Undefined
   * when no session fits.
   */
  private async continueLive(request: BridgeRequest, context: SessionContext, plan: ExtraBodyPlan): Promise<ClaudeSession | undefined> {
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
    const awaited = session.awaitedToolCalls;
    const byCanonical = new Map(awaited.map((id) => [canonicalCallId(id), id]));
    const fits = results
      ? results.length === awaited.length && results.every(([id]) => byCanonical.has(canonicalCallId(id)))
      : awaited.length === 0;
    if (!fits) {
      session.close();
      return undefined;
    }
    try {
      await session.setExtraBody(extraBodyValue(plan.body));
    } catch (err) {
      this.deps.logger.info({ err: (err as Error).message }, 'a live session did not take the next turn; starting Claude Code cold');
      session.close();
      return undefined;
    }
    if (!results) {
      session.send(last);
      return session;
    }
    session.awaitedToolCalls = [];
    for (const [id, result] of results) session.toolResults.provide(byCanonical.get(canonicalCallId(id))!, result);
    return session;
  }

  private sessionFiles(transcripts: string[] = []): SessionFiles {
    const { workspace, preamble } = this.deps;
    return {
      workspace,
      transcripts,
      beforeRemove: (id) => {
        const entries = workspace.readTranscript(id);
        if (entries) preamble.learn(entries);
      },
    };
  }

  /** Claude Code's notes for a synthesised transcript, learned from its own transcripts when not yet known. */
  private preambleFor(spec: RunSpec) {
    const { workspace, preamble } = this.deps;
    const modelId = preamble.modelFor(spec.sdkModel ?? 'default', spec.modelId);
    if (!preamble.knows(modelId)) {
      for (const id of workspace.liveTranscripts()) {
        const entries = workspace.readTranscript(id);
        if (entries) preamble.learn(entries);
        if (preamble.knows(modelId)) break;
      }
    }
    return preamble.attachments(modelId);
  }

  /** The run's query, whose start-up answer (free once it comes) keeps the model list current. */
  private told(q: Query): Query {
    const models = this.deps.models;
    if (models) void q.initializationResult().then((init) => models.learn(init), () => undefined);
    return q;
  }

  /** A process started ahead with this request's configuration, given the conversation's first message. */
  private beginPrestarted(spec: RunSpec, ready: Prestarted): ClaudeSession {
    const input = new InputQueue();
    input.push(promptMessage(spec.request.turns[0]!));
    return new ClaudeSession(this.told(ready.query(input)), input, this.sessionFiles(), ready.process, ready.broker, ready.extraBody);
  }

  /** A warm spare bound to this request, or undefined when none is ready or the claim is refused. */
  private async claimSpare(spec: RunSpec, plan: ExtraBodyPlan): Promise<ClaudeSession | undefined> {
    const spare = this.deps.pool.take();
    if (!spare) return undefined;
    const cwd = this.deps.workspace.runFolder();
    const input = new InputQueue();
    input.push(promptMessage(spec.request.turns[0]!));
    try {
      const q = this.told(spare.spare.claim({
        prompt: input,
        options: claimOptions(spec.request, this.deps.config, cwd, spec.sdkModel, plan.body, plan.instructions),
      }));
      const session = new ClaudeSession(q, input, this.sessionFiles(), spare.process, undefined, extraBodyValue(plan.body));
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
      this.deps.logger.info({ err: (err as Error).message }, 'could not claim a warm spare; starting Claude Code cold');
      return undefined;
    }
  }

  private async startCold(spec: RunSpec, plan: ExtraBodyPlan): Promise<ClaudeSession> {
    const { config, registry, workspace } = this.deps;
    const process = registry.handle('run');
    const broker = new ToolResultBroker();
    const preamble = this.preambleFor(spec);
    const conversation = startConversation(spec.request.turns, workspace, preamble);
    try {
      const shared = sessionOptions(config, registry, process, workspace);
      shared.env = withoutTimedCollection(shared.env ?? {});
      // Until Claude Code's notes are known for this model, a run keeps its transcript to learn them from.
      const learn = preamble === undefined;
      const { options, prompt } = coldOptions(spec.request, config, spec.sdkModel, shared, broker, conversation, plan.body, plan.instructions, learn);
      const input = new InputQueue();
      if (prompt) input.push(promptMessage(prompt));
      const files = this.sessionFiles(conversation.transcript ? [conversation.transcript] : []);
      return new ClaudeSession(this.told(query({ prompt: input, options })), input, files, process, broker, extraBodyValue(plan.body));
    } catch (err) {
      if (conversation.transcript) workspace.removeTranscript(conversation.transcript);
      throw err;
    }
  }
}

/** The answer as the client will send it back in its history, or undefined when its arguments are not JSON. */
function answerTurn(answer: RunCollector): Turn | undefined {
  const { text, toolCalls } = answer.partial();
  const content: Extract<Turn, { role: 'assistant' }>['content'] = text ? [{ type: 'text', text }] : [];
  for (const call of toolCalls) {
    try {
      content.push({ type: 'tool_use', id: call.id, name: call.name, input: JSON.parse(call.arguments || '{}') as Record<string, unknown> });
    } catch {
      return undefined;
    }
  }
  return { role: 'assistant', content };
}
