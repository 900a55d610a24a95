import { randomUUID } from 'node:crypto';
import { query, type Options, type Query, type SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import type { Config } from '../config.js';
import { BridgeError } from '../errors/bridge-error.js';
import type { BridgeRequest, RunEvent, Turn } from '../core/types.js';
import type { Logger } from '../logger.js';
import { baseOptions, createWorkDir, removeWorkDir } from './sdk-environment.js';
import { SdkMessageNormalizer } from './sdk-message-normalizer.js';
import { buildTranscript, transcriptStore } from './transcript.js';

export interface RunSpec {
  request: BridgeRequest;
  /** Model to ask Claude Code for; undefined for its default. */
  sdkModel: string | undefined;
  /** Aborted when the client leaves or a limit is hit; `reason` says why. */
  signal: AbortSignal;
}

/** Name of the in-process MCP server that carries the client's tools. */
export const CLIENT_TOOL_SERVER = 'client';
const CLIENT_TOOL_PREFIX = `mcp__${CLIENT_TOOL_SERVER}__`;
const STDERR_TAIL_BYTES = 4096;

function promptMessage(turn: Turn): SDKUserMessage {
  return {
    type: 'user',
    message: { role: 'user', content: turn.content as SDKUserMessage['message']['content'] },
    parent_tool_use_id: null,
  };
}

async function* single<T>(item: T): AsyncGenerator<T> {
  yield item;
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

  async *run(spec: RunSpec): AsyncGenerator<RunEvent> {
    const { request, signal } = spec;
    signal.throwIfAborted();
    const cwd = await createWorkDir(this.config);
    const abortController = new AbortController();
    const onAbort = () => abortController.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let stderrTail = '';
    const options: Options = {
      ...baseOptions(this.config, cwd),
      abortController,
      includePartialMessages: true,
      systemPrompt: request.system ?? this.config.defaultSystemPrompt,
      stderr: (data) => {
        stderrTail = (stderrTail + data).slice(-STDERR_TAIL_BYTES);
      },
      ...(spec.sdkModel ? { model: spec.sdkModel } : {}),
      ...historyOptions(request.turns.slice(0, -1), cwd),
    };
    const normalizer = new SdkMessageNormalizer({
      clientToolPrefix: CLIENT_TOOL_PREFIX,
      upstreamRetries: 0,
      clientToolsOffered: request.tools.length > 0,
    });
    let q: Query | undefined;
    try {
      q = query({ prompt: single(promptMessage(request.turns.at(-1)!)), options });
      for await (const message of q) {
        for (const event of normalizer.push(message)) yield event;
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
      throw new BridgeError(
        'upstream',
        `Claude Code failed: ${(err as Error).message}${describeStderr(stderrTail)}`,
        { code: 'claude_code_failed', cause: err },
      );
    } finally {
      signal.removeEventListener('abort', onAbort);
      q?.close();
      await removeWorkDir(cwd);
    }
  }
}

/** Earlier turns travel as a synthesised transcript that Claude Code resumes. */
function historyOptions(history: Turn[], cwd: string): Partial<Options> {
  if (history.length === 0) return { persistSession: false };
  const sessionId = randomUUID();
  const entries = buildTranscript(history, { sessionId, cwd, version: 'claude-code-bridge' });
  return { resume: sessionId, sessionStore: transcriptStore(sessionId, entries) };
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
