import type { Usage } from '../../core/types.js';

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

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
  };
}
