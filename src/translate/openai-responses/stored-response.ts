import type { AssistantBlock, Turn } from '../../core/types.js';
import { toolInputOrEmpty } from '../tool-arguments.js';
import type { OutputItem, ResponseObject } from './response-object.js';
import type { StoredConversation } from './to-bridge-request.js';
import { claudeToolName, customToolInput } from './tool-names.js';

/** Bumped when the stored shape changes, so a database from another version is not misread. */
const STORED_VERSION = 1;

/** What the response store keeps for each stored response. */
export interface StoredResponse {
  version: typeof STORED_VERSION;
  /** Returned by GET /v1/responses/{id}. */
  response: ResponseObject;
  /** Continued by previous_response_id: the conversation including this answer. */
  conversation: StoredConversation;
}

/**
 * The answer as the assistant turn a continuation sends Claude: its text
 * and its tool calls under the call ids the client saw (so that the
 * client's function_call_output items find them), each under the name
 * Claude was offered the tool by. Reasoning is left out: Claude Code drops
 * earlier thinking from the history it resumes anyway.
 */
export function answerTurn(response: ResponseObject): Turn | undefined {
  const content: AssistantBlock[] = [];
  for (const item of response.output) {
    if (item.type === 'message') {
      for (const part of item.content) if (part.text !== '') content.push({ type: 'text', text: part.text });
    } else if (item.type === 'function_call') {
      content.push({ type: 'tool_use', id: item.call_id, name: claudeToolName(item.name, item.namespace), input: toolInputOrEmpty(item.arguments) });
    } else if (item.type === 'custom_tool_call') {
      content.push({ type: 'tool_use', id: item.call_id, name: claudeToolName(item.name, item.namespace), input: customToolInput(item.input) });
    }
  }
  return content.length > 0 ? { role: 'assistant', content } : undefined;
}

export function toStoredResponse(response: ResponseObject, conversation: StoredConversation): StoredResponse {
  const answer = answerTurn(response);
  return {
    version: STORED_VERSION,
    response,
    conversation: { system: conversation.system, turns: answer ? [...conversation.turns, answer] : conversation.turns },
  };
}

/** A value read back from the store, if it is a stored response this version understands. */
export function fromStored(value: unknown): StoredResponse | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  return (value as { version?: unknown }).version === STORED_VERSION ? (value as StoredResponse) : undefined;
}

/** One output item of a stored response, by its id: what an item_reference names. */
export function storedItem(stored: StoredResponse, id: string): OutputItem | undefined {
  return stored.response.output.find((item) => item.id === id);
}
