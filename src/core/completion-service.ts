import type { ModelCatalog } from '../claude/model-catalog.js';
import type { ClaudeRunner, RunHandle } from '../claude/claude-runner.js';
import type { LoginTracker } from '../claude/login-state.js';
import { listedModelIds, type ResolvedModel } from './model-names.js';
import { BridgeError } from '../errors/bridge-error.js';
import type { Logger } from '../logger.js';
import { StopSequenceFilter } from './stop-sequences.js';
import type { BridgeRequest, RunEvent } from './types.js';

export interface CompletionDeps {
  catalog: ModelCatalog;
  runner: ClaudeRunner;
  login: LoginTracker;
  logger: Logger;
}

export interface OpenedRun {
  model: ResolvedModel;
  events: AsyncGenerator<RunEvent>;
}

/**
 * The one pipeline every wire format goes through: resolve the model, run
 * Claude Code, apply what Claude Code cannot do itself (stop sequences), and
 * note what the outcome says about the login. Wire translators sit on either
 * side of it; nothing here knows HTTP.
 */
export class CompletionService {
  constructor(private readonly deps: CompletionDeps) {}

  async open(request: BridgeRequest, signal: AbortSignal): Promise<OpenedRun> {
    const model = await this.deps.catalog.resolve(request.model);
    if (!model) throw await this.modelNotFound(request.model ?? '');
    const handle = this.deps.runner.start({ request, sdkModel: model.sdkModel, signal });
    return { model, events: this.observe(applyStopSequences(handle, request.stop)) };
  }

  private async *observe(events: AsyncGenerator<RunEvent>): AsyncGenerator<RunEvent> {
    try {
      for await (const event of events) {
        if (event.type === 'end') this.deps.login.recordSuccess();
        yield event;
      }
    } catch (err) {
      if (err instanceof BridgeError && err.kind === 'authentication') this.deps.login.recordAuthFailure();
      throw err;
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
 * Cut the answer text at the first stop sequence. Claude's turn is then
 * interrupted (so it stops producing tokens) and the run's end reports
 * `stop_sequence`; nothing after the stop reaches the client.
 */
export async function* applyStopSequences(handle: RunHandle, stops: readonly string[]): AsyncGenerator<RunEvent> {
  if (stops.length === 0) {
    yield* handle.events;
    return;
  }
  const filter = new StopSequenceFilter(stops);
  for await (const event of handle.events) {
    if (event.type === 'text') {
      const text = filter.push(event.text);
      if (text) yield { type: 'text', text };
      if (filter.stopped) handle.interrupt();
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
