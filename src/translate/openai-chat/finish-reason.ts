import type OpenAI from 'openai';
import type { StopReason } from '../../core/types.js';

export type ChatFinishReason = OpenAI.ChatCompletion.Choice['finish_reason'];

/** `legacyFunctions`: the request used the old `functions` field, whose calls finish with `function_call`. */
export function toFinishReason(reason: StopReason, legacyFunctions = false): ChatFinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return legacyFunctions ? 'function_call' : 'tool_calls';
    case 'refusal':
      return 'content_filter';
  }
}
