import type { LoginStatus } from './login.js';
import type { ModelSource, Runner, RunHandle } from './ports.js';
import { listedModelIds, type ResolvedModel } from './model-names.js';
import { BridgeError } from '../errors/bridge-error.js';
import type { Logger } from '../logger.js';
import type { ConcurrencyLimiter } from './limiter.js';
import { OutputFlow } from './output-flow.js';
import { StopSequenceFilter } from './stop-sequences.js';
import type { BridgeRequest, RunEvent } from './types.js';
import type { UsageLimits } from './usage-limits.js';

export interface CompletionDeps {
  catalog: ModelSource;
  runner: Runner;
  login: LoginStatus;
  limiter: ConcurrencyLimiter;
  logger: Logger;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  /** The account's usage limits as last reported; with `planLimitsOnly`, requests that would draw on extra usage are refused. */
  usageLimits?: UsageLimits;
  planLimitsOnly?: boolean;
}

export interface OpenedRun {
  model: ResolvedModel;
  /**
   * The run's events. Nothing happens until the first next(): that call
   * waits for a free slot, starts Claude Code and resolves with the first
   * event, or rejects with the reason the request cannot be answered.
   */
  events: AsyncGenerator<RunEvent>;
  /** Held by the HTTP side while its client does not read (backpressure down to Claude Code). */
  flow: OutputFlow;
}

/**
 * The one pipeline every wire format goes through: resolve the model, wait
 * for a slot, run Claude Code under the request and idle time limits, apply
 * what Claude Code cannot do itself (stop sequences), and note what the
 * outcome says about the login. Wire translators sit on either side of it;
 * nothing here knows HTTP.
 */
export class CompletionService {
  private readonly running = new Set<AbortController>();

  constructor(private readonly deps: CompletionDeps) {}

  async open(request: BridgeRequest, clientSignal: AbortSignal): Promise<OpenedRun> {
    const model = await this.resolveModel(request.model);
    const flow = new OutputFlow();
    return { model, events: this.run(request, model, clientSignal, flow), flow };
  }

  /** The model a request names, or the 404 that lists what is available (also for requests that start no run). */
  async resolveModel(requested: string | undefined): Promise<ResolvedModel> {
    const model = await this.deps.catalog.resolve(requested);
    if (!model) throw await this.modelNotFound(requested ?? '');
    return model;
  }

  /** End every run now (shutdown after the grace period). */
  abortAll(reason: BridgeError): void {
    for (const controller of this.running) controller.abort(reason);
  }

  private async *run(request: BridgeRequest, model: ResolvedModel, clientSignal: AbortSignal, flow: OutputFlow): AsyncGenerator<RunEvent> {
    const { limiter, runner, requestTimeoutMs, idleTimeoutMs } = this.deps;
    // Before any Claude Code process or queue place: a refused request costs nothing.
    const refusal = this.deps.planLimitsOnly ? this.deps.usageLimits?.planLimitsRefusal() : undefined;
    if (refusal) throw refusal;
    const controller = new AbortController();
    const abort = (reason: unknown) => controller.abort(reason);
    const onClientGone = () => abort(new BridgeError('server', 'The client closed the connection.', { code: 'client_closed' }));
    if (clientSignal.aborted) onClientGone();
    clientSignal.addEventListener('abort', onClientGone, { once: true });
    this.running.add(controller);
    const requestTimer = setTimeout(
      () => abort(new BridgeError('timeout', `The request took longer than ${Math.round(requestTimeoutMs / 1000)} s.`, { code: 'request_timeout' })),
      requestTimeoutMs,
    );
    // One timer for the idle limit, moved on lazily: each event only notes
    // its time (a timer reset per token would cost more than the token).
    let lastOutput = Date.now();
    let idleTimer: NodeJS.Timeout | undefined;
    const watchIdle = () => {
      // While the client does not read, the silence is the client's, not Claude Code's.
      if (flow.held) lastOutput = Date.now();
      const silentFor = Date.now() - lastOutput;
      if (silentFor >= idleTimeoutMs) {
        abort(new BridgeError('timeout', `Claude Code produced no output for ${Math.round(idleTimeoutMs / 1000)} s.`, { code: 'idle_timeout' }));
        return;
      }
      idleTimer = setTimeout(watchIdle, idleTimeoutMs - silentFor);
    };
    let release: (() => void) | undefined;
    try {
      release = await limiter.acquire(controller.signal);
      lastOutput = Date.now();
      idleTimer = setTimeout(watchIdle, idleTimeoutMs);
      const handle = runner.start({ request, sdkModel: model.sdkModel, modelId: model.entry.resolvedId, signal: controller.signal, flow });
      for await (const event of applyStopSequences(handle, request.stop)) {
        lastOutput = Date.now();
        if (event.type === 'end') this.deps.login.recordSuccess();
        yield event;
      }
    } catch (err) {
      if (controller.signal.aborted && controller.signal.reason instanceof BridgeError) throw controller.signal.reason;
      if (err instanceof BridgeError && err.kind === 'authentication') {
        this.deps.login.recordAuthFailure();
        throw this.deps.login.explain(err);
      }
      throw err;
    } finally {
      clearTimeout(requestTimer);
      clearTimeout(idleTimer);
      clientSignal.removeEventListener('abort', onClientGone);
      this.running.delete(controller);
      release?.();
    }
  }

  private async modelNotFound(requested: string): Promise<BridgeError> {
    const { entries } = await this.deps.catalog.list();
    return new BridgeError(
      'not_found',
      `The model ${JSON.stringify(requested)} does not exist or is not offered by this Claude Code. Available models: ${listedModelIds(entries).join(', ')}. Claude-family names such as claude-sonnet or claude-3-5-haiku are also accepted.`,
      { code: 'model_not_found', param: 'model' },
    );
  }
}

/**
 * Stop sequences normally go to Claude's API, which stops there and says
 * so. This is the safety net for when they could not: cut the answer text at
 * the first stop sequence, interrupt Claude's turn (so it stops producing
 * tokens) and report `stop_sequence`; nothing after the stop reaches the
 * client. A stop sequence seen in an answer although the API had it means
 * Claude Code did not pass it on (an organisation policy can disable that).
 */
export function applyStopSequences(handle: RunHandle, stops: readonly string[]): AsyncIterable<RunEvent> {
  // Without stop sequences the events go through as they are, with no stage of their own on every token's way.
  return stops.length === 0 ? handle.events : cutAtStopSequences(handle, stops);
}

async function* cutAtStopSequences(handle: RunHandle, stops: readonly string[]): AsyncGenerator<RunEvent> {
  const filter = new StopSequenceFilter(stops);
  for await (const event of handle.events) {
    if (event.type === 'text') {
      const text = filter.push(event.text);
      if (text) yield { type: 'text', text };
      if (filter.stopped) {
        if (handle.stopsSentUpstream) handle.extraBodyIgnored();
        handle.interrupt();
      }
      continue;
    }
    if (event.type === 'end') {
      const rest = filter.flush();
      if (rest) yield { type: 'text', text: rest };
      yield filter.stopped ? { ...event, stopReason: 'stop_sequence', stopSequence: filter.stopSequence } : event;
      continue;
    }
    if (!filter.stopped) yield event;
  }
}
