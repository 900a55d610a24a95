import type Anthropic from '@anthropic-ai/sdk';
import type { RunEvent, StopReason, Usage } from '../../core/types.js';
import { toolInputOrEmpty } from '../tool-arguments.js';

/*
 * The shapes below carry every field that Anthropic's SDK types declare as
 * always present, with null where the bridge cannot know the value (a
 * client that reads `message.container` or `usage.service_tier` must find
 * the key, as it would from Anthropic's API).
 */

export type AnthropicResponseBlock =
  | { type: 'text'; text: string; citations: null }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; caller: { type: 'direct' } };

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** How the cache writes split by lifetime: not reported by Claude Code. */
  cache_creation: null;
  output_tokens_details: { thinking_tokens: number } | null;
  server_tool_use: null;
  service_tier: null;
  inference_geo: null;
  speed: null;
}

/** The usage of a `message_delta` event: running totals, as Anthropic's API sends them. */
export interface AnthropicDeltaUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens_details: { thinking_tokens: number } | null;
  server_tool_use: null;
}

/** The `message` object of Anthropic's Messages API. */
export interface AnthropicMessageObject {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  stop_details: null;
  container: null;
  diagnostics: null;
  usage: AnthropicUsage;
}

type Delta =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'input_json_delta'; partial_json: string };

/** The events of Anthropic's streaming format, in the order its clients expect them. */
export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessageObject }
  | { type: 'content_block_start'; index: number; content_block: AnthropicResponseBlock }
  | { type: 'content_block_delta'; index: number; delta: Delta }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: StopReason; stop_sequence: string | null; stop_details: null; container: null };
      usage: AnthropicDeltaUsage;
    }
  | { type: 'message_stop' }
  | { type: 'ping' };

/** Compiles only when T is a U: the bridge's shapes checked against the official SDK's types. */
type Is<T extends U, U> = T;
/**
 * Every message and stream event the bridge sends is one of Anthropic's own
 * (`@anthropic-ai/sdk`, a devDependency: these imports are types only and
 * vanish from the build). `ping` is a stream event the SDK's union leaves out.
 */
type _OfficialShapes = [
  Is<AnthropicMessageObject, Anthropic.Message>,
  Is<Exclude<AnthropicStreamEvent, { type: 'ping' }>, Anthropic.RawMessageStreamEvent>,
];

/** Claude's usage is already in Anthropic's terms: uncached input, cache reads and writes apart. */
export function toAnthropicUsage(usage: Usage): AnthropicUsage {
  return {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens,
    cache_creation: null,
    output_tokens_details: usage.thinking_tokens === undefined ? null : { thinking_tokens: usage.thinking_tokens },
    server_tool_use: null,
    service_tier: null,
    inference_geo: null,
    speed: null,
  };
}

function toDeltaUsage(usage: AnthropicUsage): AnthropicDeltaUsage {
  const { cache_creation: _c, service_tier: _t, inference_geo: _g, speed: _s, ...delta } = usage;
  return delta;
}

const NO_USAGE: Usage = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

interface OpenBlock {
  index: number;
  kind: 'text' | 'thinking' | 'tool_use';
  /** A thinking block is complete once its signature arrived. */
  signed: boolean;
  /** Tool input as streamed so far (JSON text). */
  json: string;
}

/**
 * RunEvents → Anthropic stream events, and the message they add up to.
 * Each stretch of text, thinking or a tool call becomes one content block,
 * opened and closed around its deltas; the message ends with
 * `message_delta` (stop reason and the whole usage) and `message_stop`.
 * `message()` is the same answer as one object, so a non-streamed response
 * is exactly what a streaming client would have put together.
 */
export class AnthropicMessageStream {
  private started = false;
  private model: string;
  private readonly content: AnthropicResponseBlock[] = [];
  private open: OpenBlock | undefined;
  private stopReason: StopReason | null = null;
  private stopSequence: string | null = null;
  private usage: AnthropicUsage = toAnthropicUsage(NO_USAGE);

  constructor(private readonly options: { id: string; includeThinking: boolean; model?: string }) {
    this.model = options.model ?? 'unknown';
  }

  /**
   * `message_start`, once, with the input usage Claude's API reported as the
   * answer began (Anthropic's clients read it there; the output so far is
   * zero). The route may call this before Claude's first event (to start the
   * stream while the request waits), naming the model it resolved; the usage
   * is then not known yet and `message_delta` is the first to carry it.
   */
  begin(model: string, usage: Usage = NO_USAGE): AnthropicStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    this.model = model;
    const opening = toAnthropicUsage({ ...usage, output_tokens: 0 });
    return [{ type: 'message_start', message: { ...this.message(), content: [], stop_reason: null, stop_sequence: null, usage: opening } }];
  }

  push(event: RunEvent): AnthropicStreamEvent[] {
    switch (event.type) {
      case 'start':
        return this.begin(event.model, event.usage);
      case 'text':
        return [...this.ensureOpen('text'), this.delta({ type: 'text_delta', text: event.text })];
      case 'thinking':
        if (!this.options.includeThinking) return [];
        return [...this.ensureOpen('thinking'), this.delta({ type: 'thinking_delta', thinking: event.text })];
      case 'thinking_signature': {
        if (!this.options.includeThinking) return [];
        const events = this.ensureOpen('thinking');
        events.push(this.delta({ type: 'signature_delta', signature: event.signature }));
        this.open!.signed = true;
        return events;
      }
      case 'tool_call_start':
        return [
          ...this.close(),
          ...this.openBlock('tool_use', { type: 'tool_use', id: event.id, name: event.name, input: {}, caller: { type: 'direct' } }),
        ];
      case 'tool_call_delta':
        if (this.open?.kind !== 'tool_use') return [];
        return [this.delta({ type: 'input_json_delta', partial_json: event.argumentsDelta })];
      case 'end':
        this.stopReason = event.stopReason;
        this.stopSequence = event.stopSequence;
        this.usage = toAnthropicUsage(event.usage);
        return [
          ...this.close(),
          {
            type: 'message_delta',
            delta: { stop_reason: event.stopReason, stop_sequence: event.stopSequence, stop_details: null, container: null },
            usage: toDeltaUsage(this.usage),
          },
          { type: 'message_stop' },
        ];
    }
  }

  /** The answer so far as a `message` object (complete after the `end` event). */
  message(): AnthropicMessageObject {
    return {
      id: this.options.id,
      type: 'message',
      role: 'assistant',
      model: this.model,
      content: this.content.map((block) => ({ ...block })),
      stop_reason: this.stopReason,
      stop_sequence: this.stopSequence,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: { ...this.usage },
    };
  }

  private ensureOpen(kind: 'text' | 'thinking'): AnthropicStreamEvent[] {
    const open = this.open;
    if (open && open.kind === kind && !(kind === 'thinking' && open.signed)) return [];
    const block: AnthropicResponseBlock = kind === 'text' ? { type: 'text', text: '', citations: null } : { type: 'thinking', thinking: '', signature: '' };
    return [...this.close(), ...this.openBlock(kind, block)];
  }

  private openBlock(kind: OpenBlock['kind'], block: AnthropicResponseBlock): AnthropicStreamEvent[] {
    const index = this.content.length;
    this.content.push(block);
    this.open = { index, kind, signed: false, json: '' };
    return [{ type: 'content_block_start', index, content_block: { ...block } }];
  }

  private delta(delta: Delta): AnthropicStreamEvent {
    const open = this.open!;
    const block = this.content[open.index]!;
    if (delta.type === 'text_delta' && block.type === 'text') block.text += delta.text;
    if (delta.type === 'thinking_delta' && block.type === 'thinking') block.thinking += delta.thinking;
    if (delta.type === 'signature_delta' && block.type === 'thinking') block.signature = delta.signature;
    if (delta.type === 'input_json_delta') open.json += delta.partial_json;
    return { type: 'content_block_delta', index: open.index, delta };
  }

  private close(): AnthropicStreamEvent[] {
    const open = this.open;
    if (!open) return [];
    this.open = undefined;
    const block = this.content[open.index]!;
    if (block.type === 'tool_use') block.input = toolInputOrEmpty(open.json);
    return [{ type: 'content_block_stop', index: open.index }];
  }
}
