import { query, type Query, type SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import type { Config } from '../config.js';
import { BridgeError } from '../errors/bridge-error.js';
import type { BridgeRequest, RunEvent, Turn } from '../core/types.js';
import type { Logger } from '../logger.js';
import { CLIENT_TOOL_PREFIX } from './client-tools.js';
import { runOptions } from './run-options.js';
import { createWorkDir, removeWorkDir } from './sdk-environment.js';
import { SdkMessageNormalizer } from './sdk-message-normalizer.js';

export interface RunSpec {
  request: BridgeRequest;
  /** Model to ask Claude Code for; undefined for its default. */
  sdkModel: string | undefined;
  /** Aborted when the client leaves or a limit is hit; `reason` says why. */
  signal: AbortSignal;
}

/** A run in progress. */
export interface RunHandle {
  events: AsyncGenerator<RunEvent>;
  /** End Claude's turn now (the answer is complete for the client); the run still ends with `end`. */
  interrupt(): void;
}

const STDERR_TAIL_BYTES = 4096;

function promptMessage(turn: Turn): SDKUserMessage {
  return {
    type: 'user',
    message: { role: 'user', content: turn.content as SDKUserMessage['message']['content'] },
    parent_tool_use_id: null,
  };
}

/**
 * The prompt as streaming input that stays open until the run is over, so
 * that the turn can be interrupted (a control request needs open input).
 */
function openPrompt(turn: Turn | undefined, closed: Promise<void>): AsyncGenerator<SDKUserMessage> {
  return (async function* () {
    if (turn) yield promptMessage(turn);
    await closed;
  })();
}

/**
 * Runs one request through Claude Code: a fresh process in an empty private
 * folder, the request's history as a resumed transcript, the new user turn
 * as the prompt. Yields RunEvents; throws BridgeError. Ending the iteration
 * early (the client left) or aborting the signal ends the process.
 */
export class ClaudeRunner {
  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  start(spec: RunSpec): RunHandle {
    const normalizer = new SdkMessageNormalizer({
      clientToolPrefix: CLIENT_TOOL_PREFIX,
      upstreamRetries: this.config.upstreamRetries,
      clientToolsOffered: spec.request.tools.length > 0,
      ...(spec.request.parallelToolCalls ? {} : { maxToolCalls: 1 }),
      structuredOutput: spec.request.outputFormat !== undefined,
    });
    let q: Query | undefined;
    let interruptRequested = false;
    return {
      events: this.run(spec, normalizer, (query) => {
        q = query;
        if (interruptRequested) void query.interrupt().catch(() => undefined);
      }),
      interrupt() {
        if (interruptRequested) return;
        interruptRequested = true;
        normalizer.markInterrupted();
        if (q) void q.interrupt().catch(() => undefined);
      },
    };
  }

  private async *run(spec: RunSpec, normalizer: SdkMessageNormalizer, onQuery: (q: Query) => void): AsyncGenerator<RunEvent> {
    const { request, signal } = spec;
    signal.throwIfAborted();
    const cwd = await createWorkDir(this.config);
    const abortController = new AbortController();
    const onAbort = () => abortController.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let closeInput: () => void = () => undefined;
    const inputClosed = new Promise<void>((resolve) => (closeInput = resolve));
    let stderrTail = '';
    const { options, prompt } = runOptions(request, this.config, cwd, spec.sdkModel, {
      onClientToolCall: () => normalizer.markToolCallsHandedBack(),
    });
    let q: Query | undefined;
    try {
      q = query({
        prompt: openPrompt(prompt, inputClosed),
        options: {
          ...options,
          abortController,
          stderr: (data) => {
            stderrTail = (stderrTail + data).slice(-STDERR_TAIL_BYTES);
          },
        },
      });
      onQuery(q);
      // Read by hand rather than with for-await: leaving a for-await calls the
      // query's return(), which waits for Claude Code to exit gracefully (it
      // may go on retrying meanwhile); close() in `finally` ends it at once.
      const messages = q[Symbol.asyncIterator]();
      for (;;) {
        const next = await messages.next();
        if (next.done) break;
        for (const event of normalizer.push(next.value)) yield event;
        if (normalizer.done) return;
      }
      if (signal.aborted) throw abortReason(signal);
      throw new BridgeError('upstream', `Claude Code stopped without finishing its answer.${describeStderr(stderrTail)}`, {
        code: 'claude_code_exited',
      });
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      if (err instanceof BridgeError) throw err;
      this.logger.warn({ err: (err as Error).message, stderr: stderrTail }, 'Claude Code run failed');
      throw new BridgeError('upstream', `Claude Code failed: ${(err as Error).message}${describeStderr(stderrTail)}`, {
        code: 'claude_code_failed',
        cause: err,
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
      closeInput();
      q?.close();
      await removeWorkDir(cwd);
    }
  }
}

function abortReason(signal: AbortSignal): BridgeError {
  const reason: unknown = signal.reason;
  if (reason instanceof BridgeError) return reason;
  return new BridgeError('server', 'The request was cancelled.', { code: 'cancelled' });
}

function describeStderr(tail: string): string {
  const text = tail.trim();
  return text ? ` Claude Code said: ${text.slice(-1000)}` : '';
}
