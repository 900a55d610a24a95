import { randomBytes } from 'node:crypto';
import type { Usage } from '../../core/types.js';
import type { ResponsesTextFormat, ResponsesToolChoice } from './request-schema.js';

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: [];
  logprobs: [];
}

export interface SummaryText {
  type: 'summary_text';
  text: string;
}

export type OutputItem =
  | { type: 'message'; id: string; status: ItemStatus; role: 'assistant'; content: OutputText[] }
  | { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status: ItemStatus }
  | { type: 'reasoning'; id: string; summary: SummaryText[]; status: ItemStatus };

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface EchoedFunctionTool {
  type: 'function';
  name: string;
  description: string | null;
  parameters: Record<string, unknown> | null;
  strict: boolean | null;
}

/**
 * What a response repeats of its request, as OpenAI's does: the settings
 * it ran with. Sampling settings Claude Code does not take (temperature,
 * top_p) are reported as null rather than as values that had no effect.
 */
export interface ResponseSettings {
  instructions: string | null;
  max_output_tokens: number | null;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  text: { format: ResponsesTextFormat };
  tool_choice: ResponsesToolChoice;
  tools: EchoedFunctionTool[];
  metadata: Record<string, string>;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** The `response` object of OpenAI's Responses API. */
export interface ResponseObject extends ResponseSettings {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  completed_at: number | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  model: string;
  output: OutputItem[];
  temperature: null;
  top_p: null;
  truncation: 'disabled';
  background: false;
  /** Known once the answer is over (the schema allows no null here). */
  usage?: ResponsesUsage;
}

/** Ids in OpenAI's style: a prefix for the kind of object and random hex. */
export function newId(prefix: 'resp' | 'msg' | 'fc' | 'rs'): string {
  return `${prefix}_${randomBytes(prefix === 'resp' ? 24 : 16).toString('hex')}`;
}

/**
 * Claude counts uncached input, cache reads and cache writes apart; the
 * Responses API's input_tokens is all input, with cache reads named inside it.
 */
export function toResponsesUsage(usage: Usage): ResponsesUsage {
  const input = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cache_read_input_tokens, cache_write_tokens: usage.cache_creation_input_tokens },
    output_tokens: usage.output_tokens,
    output_tokens_details: { reasoning_tokens: usage.thinking_tokens ?? 0 },
    total_tokens: input + usage.output_tokens,
  };
}
