import type { Query, SDKMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import { BridgeError } from '../errors/bridge-error.js';
import type { RunEvent, Turn } from '../core/types.js';
import type { InputQueue } from './input-queue.js';
import { initSessionId } from './sdk-message-shapes.js';
import type { ProcessHandle } from './process-registry.js';
import { ToolResultBroker } from './tool-result-broker.js';
import type { SdkMessageNormalizer } from './sdk-message-normalizer.js';
import type { Workspace } from './workspace.js';

const STDERR_TAIL_BYTES = 4096;

export function promptMessage(turn: Turn): SDKUserMessage {
  return {
    type: 'user',
    message: { role: 'user', content: turn.content as SDKUserMessage['message']['content'] },
    parent_tool_use_id: null,
  };
}

export interface SessionFiles {
  workspace: Workspace;
  /** Transcripts written for this process to resume (it may write on under another id, which it announces). */
  transcripts?: readonly string[];
  /** Hears of each transcript just before it is removed (the bridge learns Claude Code's notes from them). */
  beforeRemove?: (sessionId: string) => void;
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
  private readonly transcripts = new Set<string>();
  /** The client tool calls of the last turn, whose results Claude Code is waiting for. */
  awaitedToolCalls: string[] = [];
  /** CLAUDE_CODE_EXTRA_BODY as the process has it now ('{}' when nothing is added). */
  extraBody: string;

  constructor(
    private readonly query: Query,
    private readonly input: InputQueue,
    private readonly files: SessionFiles,
    readonly process: ProcessHandle,
    /** Where the client's tool results reach Claude Code's waiting tool handlers. */
    readonly toolResults: ToolResultBroker = new ToolResultBroker(),
    extraBody = '{}',
  ) {
    this.messages = query[Symbol.asyncIterator]();
    this.extraBody = extraBody;
    for (const id of files.transcripts ?? []) this.transcripts.add(id);
    process.onStderr = (text) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES);
    };
  }

  /**
   * Give the process the extra body of its next turn (Claude Code reads the
   * variable for each request it makes, and takes a new value from a
   * settings change), so one process serves turns with different sampling
   * or tool choice, each with its own.
   */
  async setExtraBody(value: string): Promise<void> {
    if (value === this.extraBody) return;
    await this.query.applyFlagSettings({ env: { CLAUDE_CODE_EXTRA_BODY: value } });
    this.extraBody = value;
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
        this.noteSession(next.value);
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

  /** The same as close(): kept for the places that end a turn the bridge finished before Claude Code would. */
  abandon(): void {
    this.close();
  }

  /**
   * End the process at once (SIGKILL) and remove its transcripts; safe to
   * call more than once. Never gracefully: a process asked to stop while it
   * waits in a client tool call reports the call as interrupted and sends
   * the conversation to Claude again (a billed call whose answer nobody
   * reads), and one stopped after an output-limit stop asks Claude to resume
   * within milliseconds. Nothing of a run is lost by killing it: the client
   * has the answer, and the transcript is removed anyway.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.process.pid !== undefined && !this.process.exited) {
      try {
        process.kill(this.process.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.input.close();
    this.query.close();
    this.toolResults.close();
    for (const id of this.transcripts) {
      try {
        this.files.beforeRemove?.(id);
      } catch {
        // learning is optional; removing is not
      }
      try {
        this.files.workspace.removeTranscript(id);
      } catch {
        // not a transcript of ours
      }
    }
    this.transcripts.clear();
  }

  /** Claude Code announces its session id at start; its transcript is then removed with the process. */
  private noteSession(message: SDKMessage): void {
    // Nearly every message is a token: only a system message can announce the session.
    if (message.type !== 'system') return;
    const id = initSessionId(message);
    if (id === undefined || this.transcripts.has(id)) return;
    this.transcripts.add(id);
    this.files.workspace.track(id);
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
