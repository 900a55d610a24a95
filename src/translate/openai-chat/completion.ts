import type { RunResult } from '../../core/run-result.js';
import { toFinishReason, type ChatFinishReason } from './finish-reason.js';
import { toOpenAIToolCallId } from './tool-call-id.js';
import { toChatUsage, type ChatUsage } from './usage.js';

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: null;
      reasoning_content?: string;
      tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
      function_call?: { name: string; arguments: string };
    };
    logprobs: null;
    finish_reason: ChatFinishReason;
  }>;
  usage: ChatUsage;
}

/** A finished run as a chat.completion object. */
export function toChatCompletion(
  result: RunResult,
  meta: { id: string; created: number; includeThinking: boolean; legacyFunctions?: boolean },
): ChatCompletion {
  const legacy = meta.legacyFunctions === true;
  const toolCalls = result.toolCalls.map((call) => ({
    id: toOpenAIToolCallId(call.id),
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments || '{}' },
  }));
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: result.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: result.text === '' && toolCalls.length > 0 ? null : result.text,
          refusal: null,
          ...(meta.includeThinking && result.thinking !== '' ? { reasoning_content: result.thinking } : {}),
          ...(toolCalls.length > 0 && !legacy ? { tool_calls: toolCalls } : {}),
          ...(toolCalls[0] && legacy ? { function_call: toolCalls[0].function } : {}),
        },
        logprobs: null,
        finish_reason: toFinishReason(result.stopReason, legacy),
      },
    ],
    usage: toChatUsage(result.usage),
  };
}
