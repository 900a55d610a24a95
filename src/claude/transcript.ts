import { randomUUID } from 'node:crypto';
import type { SessionStore, SessionStoreEntry } from '@anthropic-ai/claude-agent-sdk';
import type { Turn } from '../core/types.js';

export interface TranscriptContext {
  sessionId: string;
  cwd: string;
  /** Claude Code version to stamp on entries. */
  version: string;
  now?: Date;
  newId?: () => string;
}

/**
 * Build the session transcript Claude Code resumes from: one entry per
 * earlier turn, chained by parentUuid, so the history reaches Claude as real
 * user/assistant messages with their own content blocks (images, tool calls
 * and tool results included) rather than as text pasted into one prompt.
 */
export function buildTranscript(turns: readonly Turn[], ctx: TranscriptContext): SessionStoreEntry[] {
  const newId = ctx.newId ?? randomUUID;
  const timestamp = (ctx.now ?? new Date()).toISOString();
  const entries: SessionStoreEntry[] = [];
  let parentUuid: string | null = null;
  for (const turn of turns) {
    const uuid = newId();
    const message =
      turn.role === 'user'
        ? { role: 'user', content: turn.content }
        : {
            id: `msg_bridge_${uuid.replaceAll('-', '')}`,
            type: 'message',
            role: 'assistant',
            model: '<history>',
            content: turn.content,
            stop_reason: turn.content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          };
    entries.push({
      type: turn.role,
      uuid,
      parentUuid,
      sessionId: ctx.sessionId,
      timestamp,
      cwd: ctx.cwd,
      isSidechain: false,
      userType: 'external',
      version: ctx.version,
      message,
    });
    parentUuid = uuid;
  }
  return entries;
}

/**
 * A read-only session store that serves one synthesised transcript and
 * keeps nothing Claude Code writes back: the bridge is stateless between
 * requests, and the client resends the history it wants.
 */
export function transcriptStore(sessionId: string, entries: SessionStoreEntry[]): SessionStore {
  return {
    async load(key) {
      return key.sessionId === sessionId && key.subpath === undefined ? entries : null;
    },
    async append() {},
    async listSubkeys() {
      return [];
    },
  };
}
