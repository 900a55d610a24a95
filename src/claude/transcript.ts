import { randomUUID } from 'node:crypto';
import type { Turn } from '../core/types.js';
import type { Attachment } from './conversation-preamble.js';

export interface TranscriptContext {
  sessionId: string;
  cwd: string;
  /** Claude Code version to stamp on entries. */
  version: string;
  /** Claude Code's notes after the first message (environment, model, date), when known. */
  preamble?: Attachment[];
  now?: Date;
  newId?: () => string;
}

export type TranscriptEntry = Record<string, unknown> & { type: string; uuid: string; parentUuid: string | null };

/**
 * Build the session transcript Claude Code resumes from: one entry per
 * earlier turn, chained by parentUuid, so the history reaches Claude as real
 * user/assistant messages with their own content blocks (images, tool calls
 * and tool results included) rather than as text pasted into one prompt.
 * Claude Code's own notes go after the first message, where a conversation
 * it ran itself has them.
 */
export function buildTranscript(turns: readonly Turn[], ctx: TranscriptContext): TranscriptEntry[] {
  const newId = ctx.newId ?? randomUUID;
  const timestamp = (ctx.now ?? new Date()).toISOString();
  const entries: TranscriptEntry[] = [];
  let parentUuid: string | null = null;
  const common = { sessionId: ctx.sessionId, timestamp, cwd: ctx.cwd, isSidechain: false, userType: 'external', version: ctx.version };
  turns.forEach((turn, i) => {
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
    entries.push({ type: turn.role, uuid, parentUuid, ...common, message });
    parentUuid = uuid;
    if (i === 0) {
      for (const attachment of ctx.preamble ?? []) {
        const id = newId();
        entries.push({ type: 'attachment', uuid: id, parentUuid, ...common, attachment });
        parentUuid = id;
      }
    }
  });
  return entries;
}
