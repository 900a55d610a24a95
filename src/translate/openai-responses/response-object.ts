import { randomBytes } from 'node:crypto';
import type { Usage } from '../../core/types.js';
import type { ResponsesTextFormat, ResponsesTool, ResponsesToolChoice } from './request-schema.js';

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
  | { type: 'function_call'; id: string; call_id: string; name: string; namespace?: string; arguments: string; status: ItemStatus }
  /** A call of a custom (freeform) tool; OpenAI's item has no status. */
  | { type: 'custom_tool_call'; id: string; call_id: string; name: string; namespace?: string; input: string }
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

/** The request's tools as the response repeats them: functions in OpenAI's full form, the others as sent. */
export type EchoedTool = EchoedFunctionTool | Exclude<ResponsesTool, { type: 'function' }>;

/**
 * What a response repeats of its request, as OpenAI's does: the settings
 * it ran with. A sampling setting the model did not apply (current models
 * refuse temperature and top_p) is reported as null rather than as a value
 * that had no effect.
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
  temperature: number | null;
  top_p: number | null;
  tools: EchoedTool[];
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
  truncation: 'disabled';
  background: false;
  /** Known once the answer is over (the schema allows no null here). */
  usage?: ResponsesUsage;
}

/** Ids in OpenAI's style: a prefix for the kind of object and random hex. */
export function newId(prefix: 'resp'): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

export type ItemPrefix = 'msg' | 'fc' | 'ctc' | 'rs';

/**
 * An output item's id: its kind, the hex of the response it belongs to, and
 * its place in that response. A client may later refer to the item by this
 * id alone (an `item_reference`), and the id says which stored response
 * holds it.
 */
export function itemId(prefix: ItemPrefix, responseId: string, index: number): string {
  return `${prefix}_${responseId.slice('resp_'.length)}${index.toString(16).padStart(4, '0')}`;
}

/** The response an item id of the bridge's belongs to, or undefined for an id the bridge did not make. */
export function responseIdOfItem(id: string): string | undefined {
  const match = /^(?:msg|fc|ctc|rs)_([0-9a-f]{48})[0-9a-f]{4}$/.exec(id);
  return match ? `resp_${match[1]}` : undefined;
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
