import type OpenAI from 'openai';
import type { RunResult } from '../../core/run-result.js';
import { toFinishReason } from './finish-reason.js';
import { toOpenAIToolCallId } from './tool-call-id.js';
import { toChatUsage, type ChatUsage } from './usage.js';

/** OpenAI's message, plus the bridge's extension: Claude's thinking as `reasoning_content`. */
type ChatMessage = OpenAI.ChatCompletionMessage & { reasoning_content?: string };

/** OpenAI's chat.completion, with the bridge's message and usage. */
export type ChatCompletion = Omit<OpenAI.ChatCompletion, 'choices' | 'usage'> & {
  choices: Array<Omit<OpenAI.ChatCompletion.Choice, 'message'> & { message: ChatMessage }>;
  usage: ChatUsage;
};

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
  } satisfies OpenAI.ChatCompletion;
}
