import type { StopReason } from '../../core/types.js';

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export function toFinishReason(reason: StopReason): ChatFinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
  }
}
