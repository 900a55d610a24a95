import type { ModelCatalog } from '../claude/model-catalog.js';
import type { ClaudeRunner } from '../claude/claude-runner.js';
import type { LoginTracker } from '../claude/login-state.js';
import { listedModelIds, type ResolvedModel } from './model-names.js';
import { BridgeError } from '../errors/bridge-error.js';
import type { Logger } from '../logger.js';
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
 * Claude Code, and note what the outcome says about the login. Wire
 * translators sit on either side of it; nothing here knows HTTP.
 */
export class CompletionService {
  constructor(private readonly deps: CompletionDeps) {}

  async open(request: BridgeRequest, signal: AbortSignal): Promise<OpenedRun> {
    const model = await this.deps.catalog.resolve(request.model);
    if (!model) throw await this.modelNotFound(request.model ?? '');
    refuseUnimplemented(request);
    return { model, events: this.observe(this.deps.runner.run({ request, sdkModel: model.sdkModel, signal })) };
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

function refuseUnimplemented(request: BridgeRequest): void {
  const unsupported: string[] = [];
  if (request.tools.length > 0) unsupported.push('tools');
  if (request.outputFormat) unsupported.push('response_format');
  if (request.maxOutputTokens !== undefined) unsupported.push('max_tokens');
  if (request.stop.length > 0) unsupported.push('stop');
  if (request.effort) unsupported.push('reasoning_effort');
  if (unsupported.length > 0) {
    throw new BridgeError('invalid_request', `Not supported yet: ${unsupported.join(', ')}.`, {
      code: 'unsupported_parameter',
      param: unsupported[0]!,
    });
  }
}
