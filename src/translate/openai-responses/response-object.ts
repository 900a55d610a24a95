import { randomBytes } from 'node:crypto';
import type OpenAI from 'openai';
import type { Usage } from '../../core/types.js';

export type ItemStatus = OpenAI.Responses.ResponseOutputMessage['status'];

/*
 * The Responses API's objects as the bridge sends them, each one of OpenAI's
 * own types (the `openai` package's, imported as types only: nothing of it
 * is loaded at run time), narrowed where the bridge always says more: its
 * items always have an id and a status, and its messages hold text only.
 */

export type OutputText = OpenAI.Responses.ResponseOutputText;
export type SummaryText = OpenAI.Responses.ResponseReasoningItem.Summary;

export type MessageItem = Omit<OpenAI.Responses.ResponseOutputMessage, 'content'> & { content: OutputText[] };
export type FunctionCallItem = OpenAI.Responses.ResponseFunctionToolCall & { id: string; status: ItemStatus };
/** A call of a custom (freeform) tool; OpenAI's item has no status. */
export type CustomToolCallItem = OpenAI.Responses.ResponseCustomToolCall & { id: string };
export type ReasoningItem = OpenAI.Responses.ResponseReasoningItem & { status: ItemStatus };
export type OutputItem = MessageItem | FunctionCallItem | CustomToolCallItem | ReasoningItem;

/** The tools the response repeats: the client's own, which Claude was offered (see echoedTools). */
export type EchoedTool = OpenAI.Responses.FunctionTool | OpenAI.Responses.CustomTool | OpenAI.Responses.NamespaceTool;

/** The tool choices the bridge takes (requestedToolChoice refuses the hosted ones). */
export type EchoedToolChoice =
  | OpenAI.Responses.ToolChoiceOptions
  | OpenAI.Responses.ToolChoiceAllowed
  | OpenAI.Responses.ToolChoiceFunction
  | OpenAI.Responses.ToolChoiceCustom;

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
  reasoning: OpenAI.Reasoning;
  /** Not in the SDK's type, but in every response OpenAI's API returns; the official schema allows it. */
  store: boolean;
  text: { format: OpenAI.Responses.ResponseFormatTextConfig };
  tool_choice: EchoedToolChoice;
  temperature: number | null;
  top_p: number | null;
  tools: EchoedTool[];
  metadata: OpenAI.Metadata;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/**
 * The `response` object of OpenAI's Responses API, as the bridge sends it.
 * OpenAI's SDK type also has `output_text`, which its SDKs compute on the
 * client from the output: the official schema marks it "SDK-only", and
 * OpenAI's API does not send it, so neither does the bridge (WireResponse).
 */
export interface ResponseObject extends ResponseSettings {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  completed_at: number | null;
  error: OpenAI.Responses.ResponseError | null;
  incomplete_details: OpenAI.Responses.Response.IncompleteDetails | null;
  model: string;
  output: OutputItem[];
  truncation: 'disabled';
  background: false;
  /** Known once the answer is over (the schema allows no null here). */
  usage?: OpenAI.Responses.ResponseUsage;
}

/** OpenAI's response as it goes over the wire: without the SDK-only `output_text`. */
export type WireResponse = Omit<OpenAI.Responses.Response, 'output_text'>;

/** Compiles only when T is a U: the bridge's shapes checked against the official SDK's types. */
type Is<T extends U, U> = T;
/** The response a stored answer keeps (and GET returns) is OpenAI's too, not only the one streamed. */
type _OfficialShape = Is<ResponseObject, WireResponse>;

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
export function toResponsesUsage(usage: Usage): OpenAI.Responses.ResponseUsage {
  const input = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cache_read_input_tokens, cache_write_tokens: usage.cache_creation_input_tokens },
    output_tokens: usage.output_tokens,
    output_tokens_details: { reasoning_tokens: usage.thinking_tokens ?? 0 },
    total_tokens: input + usage.output_tokens,
  } satisfies OpenAI.Responses.ResponseUsage;
}
