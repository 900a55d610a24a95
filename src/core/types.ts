/**
 * The bridge's own vocabulary, shared by every wire format and the Claude
 * adapter. Content blocks follow the shapes of Claude's Messages API because
 * that is what Claude finally receives; each wire translator maps to them.
 */

export interface TextBlock {
  type: 'text';
  text: string;
}

export type ImageSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string };

export interface ImageBlock {
  type: 'image';
  source: ImageSource;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: Array<TextBlock | ImageBlock>;
  is_error?: boolean;
}

export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export type UserBlock = TextBlock | ImageBlock | ToolResultBlock;
export type AssistantBlock = TextBlock | ToolUseBlock | ThinkingBlock;

export type Turn =
  | { role: 'user'; content: UserBlock[] }
  | { role: 'assistant'; content: AssistantBlock[] };

/** A function the client offers; the bridge hands calls back, never runs them. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments, as the client sent it. */
  parameters: Record<string, unknown>;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'function'; name: string };

export type OutputFormat =
  | { type: 'json_schema'; name?: string; schema: Record<string, unknown> }
  | { type: 'json_object' };

export type EffortLevel = 'low' | 'medium' | 'high' | 'xhigh' | 'max';

/** Sampling parameters as the client set them (each absent when not set). */
export interface Sampling {
  temperature?: number;
  topP?: number;
  topK?: number;
}

/**
 * One request, whatever wire format it came in. `turns` alternate strictly,
 * start with a user turn and end with one; the last is the new prompt.
 */
export interface BridgeRequest {
  /** The model name as the client sent it (resolved later), or undefined for the default. */
  model: string | undefined;
  /** System prompt text; undefined means "use the bridge's neutral default". */
  system: string | undefined;
  turns: Turn[];
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  parallelToolCalls: boolean;
  maxOutputTokens: number | undefined;
  stop: string[];
  sampling: Sampling;
  outputFormat: OutputFormat | undefined;
  effort: EffortLevel | undefined;
  /** 'off' asks Claude Code not to think, where the model allows it. */
  thinking: 'default' | 'off';
  /** Whether thinking may be returned to the client. */
  includeThinking: boolean;
}

/** Why the model stopped, in Claude's terms; each wire format maps these. */
export type StopReason = 'end_turn' | 'stop_sequence' | 'max_tokens' | 'tool_use' | 'refusal';

export interface Usage {
  /** Uncached input tokens. */
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** Output tokens spent thinking (already inside output_tokens), when known. */
  thinking_tokens?: number;
}

/**
 * What a Claude run produces, in order: one `start`, any number of content
 * events, then exactly one `end` (or the iterator throws a BridgeError).
 * Tool-call events carry the client's own function name.
 */
export type RunEvent =
  | {
      type: 'start';
      model: string;
      /** The input usage Claude's API reported as the answer began (complete only in `end`). */
      usage?: Usage;
      /** Request fields that Claude's API did not apply, by the bridge's names (see ExtraField). */
      unapplied?: string[];
    }
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  /** Closes a stretch of thinking: the signature Claude's API gave that thinking block. */
  | { type: 'thinking_signature'; signature: string }
  | { type: 'tool_call_start'; index: number; id: string; name: string }
  | { type: 'tool_call_delta'; index: number; argumentsDelta: string }
  | { type: 'end'; stopReason: StopReason; stopSequence: string | null; usage: Usage };

/** A request with the plain defaults (no tools, no limits, Claude Code's default model) for the given turns. */
export function plainRequest(turns: Turn[], fields: Partial<BridgeRequest> = {}): BridgeRequest {
  return {
    model: undefined,
    system: undefined,
    turns,
    tools: [],
    toolChoice: { type: 'auto' },
    parallelToolCalls: true,
    maxOutputTokens: undefined,
    stop: [],
    sampling: {},
    outputFormat: undefined,
    effort: undefined,
    thinking: 'default',
    includeThinking: true,
    ...fields,
  };
}
