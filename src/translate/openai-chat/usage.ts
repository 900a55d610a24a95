import type OpenAI from 'openai';
import type { Usage } from '../../core/types.js';

/** OpenAI's usage, every detail filled in, plus the bridge's extension: the tokens written to Claude's prompt cache. */
export type ChatUsage = OpenAI.CompletionUsage & {
  prompt_tokens_details: OpenAI.CompletionUsage.PromptTokensDetails & { cached_tokens: number; cache_write_tokens: number };
  completion_tokens_details: OpenAI.CompletionUsage.CompletionTokensDetails & { reasoning_tokens: number };
};

/**
 * Claude counts uncached input, cache reads and cache writes apart; OpenAI's
 * prompt_tokens is all input, with cache reads named inside it.
 */
export function toChatUsage(usage: Usage): ChatUsage {
  const prompt = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: {
      cached_tokens: usage.cache_read_input_tokens,
      cache_write_tokens: usage.cache_creation_input_tokens,
    },
    completion_tokens_details: { reasoning_tokens: usage.thinking_tokens ?? 0 },
  } satisfies ChatUsage;
}
