import { createHash } from 'node:crypto';
import type { BridgeRequest, Turn } from '../core/types.js';

/** Everything besides the turns that a live session was started with and that a continuation must share. */
export interface SessionContext {
  model: string;
  system: string;
  tools: BridgeRequest['tools'];
  effort: BridgeRequest['effort'];
  thinking: BridgeRequest['thinking'];
  maxOutputTokens: BridgeRequest['maxOutputTokens'];
  /** Structured output is set when Claude Code starts: a turn that asks for it cannot join a session without. */
  outputFormat: BridgeRequest['outputFormat'];
}

export function sessionContext(request: BridgeRequest, sdkModel: string | undefined, system: string): SessionContext {
  return {
    model: sdkModel ?? 'default',
    system,
    tools: request.tools,
    effort: request.effort,
    thinking: request.thinking,
    maxOutputTokens: request.maxOutputTokens,
    outputFormat: request.outputFormat,
  };
}

/**
 * A tool call's id without its wire format's prefix: Claude's `toolu_x` is
 * `call_x` to OpenAI clients, and either may come back.
 */
export function canonicalCallId(id: string): string {
  return id.replace(/^(toolu_|call_)/, '');
}

/**
 * An assistant turn as a client sends it back: its text (clients join the
 * text of one answer; thinking is Claude's own and rarely returned) and its
 * tool calls.
 */
function normalizeTurn(turn: Turn): unknown {
  if (turn.role === 'user') {
    return turn.content.map((b) => (b.type === 'tool_result' ? { ...b, tool_use_id: canonicalCallId(b.tool_use_id) } : b));
  }
  return {
    role: 'assistant',
    text: turn.content.map((b) => (b.type === 'text' ? b.text : '')).join(''),
    calls: turn.content.filter((b) => b.type === 'tool_use').map((b) => (b.type === 'tool_use' ? [canonicalCallId(b.id), b.name, b.input] : [])),
  };
}

/**
 * The identity of a conversation so far: the same context and the same
 * turns give the same key. A parked session is filed under the key of its
 * conversation including the answer it gave; a request whose earlier turns
 * have that key continues it.
 */
export function conversationKey(context: SessionContext, turns: readonly Turn[]): string {
  return createHash('sha256')
    .update(JSON.stringify({ context, turns: turns.map(normalizeTurn) }))
    .digest('base64url');
}

/**
 * The identity of a new conversation's configuration: everything a Claude
 * Code process is started with besides the conversation. Equal keys start
 * processes that send Claude the same thing; a different extra body is a
 * different configuration, since the process sends it with every request.
 */
export function configurationKey(context: SessionContext, extraBody: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify({ context, extraBody })).digest('base64url');
}
