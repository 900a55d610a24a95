import type { Query, SDKMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import { BridgeError } from '../errors/bridge-error.js';
import type { RunEvent, Turn } from '../core/types.js';
import type { InputQueue } from './input-queue.js';
import type { ProcessHandle } from './process-registry.js';
import { ToolResultBroker } from './tool-result-broker.js';
import type { SdkMessageNormalizer } from './sdk-message-normalizer.js';
import type { WorkDirs } from './work-dirs.js';

const STDERR_TAIL_BYTES = 4096;

export function promptMessage(turn: Turn): SDKUserMessage {
  return {
    type: 'user',
    message: { role: 'user', content: turn.content as SDKUserMessage['message']['content'] },
    parent_tool_use_id: null,
  };
}

/**
 * One live Claude Code process and its conversation: started cold, or a
 * claimed spare. It answers one turn at a time; between turns it may be
 * parked so the conversation's next request continues it.
 */
export class ClaudeSession {
  private readonly messages: AsyncIterator<SDKMessage>;
  private stderrTail = '';
  private isClosed = false;
  /** The client tool calls of the last turn, whose results Claude Code is waiting for. */
  awaitedToolCalls: string[] = [];

  constructor(
    private readonly query: Query,
    private readonly input: InputQueue,
    readonly cwd: string,
    private readonly workDirs: WorkDirs,
    readonly process: ProcessHandle,
    /** Where the client's tool results reach Claude Code's waiting tool handlers. */
    readonly toolResults: ToolResultBroker = new ToolResultBroker(),
  ) {
    this.messages = query[Symbol.asyncIterator]();
    process.onStderr = (text) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES);
    };
  }

  get closed(): boolean {
    return this.isClosed || this.process.exited;
  }

  send(turn: Turn): void {
    this.input.push(promptMessage(turn));
  }

  interrupt(): void {
    void this.query.interrupt().catch(() => undefined);
  }

  /**
   * Read Claude Code's messages until the normalizer has the whole turn.
   * Read by hand rather than with for-await: leaving a for-await calls the
   * query's return(), which waits for Claude Code to exit gracefully (it may
   * go on retrying meanwhile). Aborting the signal ends the process at once.
   * `onMessage` hears of every message Claude Code sends (the first says it is up).
   */
  async *turn(normalizer: SdkMessageNormalizer, signal: AbortSignal, onMessage?: () => void): AsyncGenerator<RunEvent> {
    const onAbort = () => this.abandon();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) throw abortReason(signal);
      for (;;) {
        const next = await this.messages.next();
        if (next.done) break;
        onMessage?.();
        for (const event of normalizer.push(next.value)) yield event;
        if (normalizer.done) return;
      }
      if (signal.aborted) throw abortReason(signal);
      throw new BridgeError('upstream', `Claude Code stopped without finishing its answer.${this.describeStderr()}`, {
        code: 'claude_code_exited',
      });
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      if (err instanceof BridgeError) throw err;
      throw new BridgeError('upstream', `Claude Code failed: ${(err as Error).message}${this.describeStderr()}`, {
        code: 'claude_code_failed',
        cause: err,
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * End the process at once (SIGKILL), for a turn the bridge ends before
   * Claude Code would: after an output-limit stop it asks Claude to resume
   * within milliseconds, which must not reach Claude's API.
   */
  abandon(): void {
    if (this.process.pid !== undefined && !this.process.exited) {
      try {
        process.kill(this.process.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.close();
  }

  /** End the process and remove its working directory; safe to call more than once. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.input.close();
    this.query.close();
    this.toolResults.close();
    void this.workDirs.remove(this.cwd);
  }

  private describeStderr(): string {
    const text = this.stderrTail.trim();
    return text ? ` Claude Code said: ${text.slice(-1000)}` : '';
  }
}

function abortReason(signal: AbortSignal): BridgeError {
  const reason: unknown = signal.reason;
  if (reason instanceof BridgeError) return reason;
  return new BridgeError('server', 'The request was cancelled.', { code: 'cancelled' });
}
