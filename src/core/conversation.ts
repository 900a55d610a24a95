import { invalidRequest } from '../errors/bridge-error.js';
import type { AssistantBlock, Turn, UserBlock } from './types.js';

/**
 * A turn as a wire translator first produces it: one per client message,
 * possibly several of the same role in a row, with the index of the client
 * message it came from (for error messages that point at the right place).
 */
export interface RawTurn {
  role: 'user' | 'assistant';
  content: Array<UserBlock | AssistantBlock>;
  /** Where the message was in the client's list, e.g. "messages[3]". */
  source: string;
}

/**
 * Turn a client's message list into strictly alternating turns that begin
 * and end with the user, as Claude requires: consecutive messages of the same
 * role are merged in order; empty messages are dropped; a conversation that
 * does not end with the user (or tool results) cannot be continued and is
 * refused, because Claude would read a trailing assistant message as the
 * beginning of its own answer, not as a turn to reply to.
 */
export function buildTurns(raw: RawTurn[], listName: string): Turn[] {
  const merged: Array<{ role: 'user' | 'assistant'; content: Array<UserBlock | AssistantBlock>; source: string }> = [];
  for (const turn of raw) {
    if (turn.content.length === 0) continue;
    const last = merged.at(-1);
    if (last && last.role === turn.role) {
      last.content.push(...turn.content);
    } else {
      merged.push({ role: turn.role, content: [...turn.content], source: turn.source });
    }
  }
  const first = merged[0];
  const last = merged.at(-1);
  if (!first || !last) {
    throw invalidRequest(`${listName} must contain at least one user message with content.`, listName);
  }
  if (last.role !== 'user') {
    throw invalidRequest(
      `The conversation ends with an assistant message (${last.source}). Claude cannot continue a finished assistant turn; ` +
        'end the conversation with a user message (or tool results) to get a reply.',
      last.source,
      'conversation_ends_with_assistant',
    );
  }
  if (first.role !== 'user') {
    // Claude's conversations start with the user. An opening assistant
    // message (a greeting shown by a chat UI) is kept, after an explicit
    // marker turn, rather than silently dropped.
    merged.unshift({ role: 'user', content: [{ type: 'text', text: '(conversation start)' }], source: first.source });
  }
  return merged.map(({ role, content }) => ({ role, content }) as Turn);
}
