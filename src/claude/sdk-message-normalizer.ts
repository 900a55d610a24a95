import type { SDKMessage, SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import { BridgeError } from '../errors/bridge-error.js';
import type { RunEvent, StopReason, Usage } from '../core/types.js';
import { classifyUpstreamFailure } from './upstream-errors.js';

export interface NormalizerOptions {
  /** Prefix of the client's tools as Claude sees them (`mcp__<server>__`). */
  clientToolPrefix: string;
  /** Upstream retries Claude Code may make before the bridge reports the failure. */
  upstreamRetries: number;
  /** Whether the client offered tools (a tool_use stop then ends the run). */
  clientToolsOffered: boolean;
}

const STOP_REASONS: ReadonlySet<string> = new Set(['end_turn', 'stop_sequence', 'max_tokens', 'tool_use', 'refusal']);

function toStopReason(raw: string | null | undefined): StopReason {
  if (raw && STOP_REASONS.has(raw)) return raw as StopReason;
  if (raw === 'model_context_window_exceeded') return 'max_tokens';
  return 'end_turn';
}

function toUsage(raw: Record<string, unknown> | undefined): Usage {
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const details = raw?.output_tokens_details as { thinking_tokens?: unknown } | undefined;
  const usage: Usage = {
    input_tokens: n(raw?.input_tokens),
    output_tokens: n(raw?.output_tokens),
    cache_read_input_tokens: n(raw?.cache_read_input_tokens),
    cache_creation_input_tokens: n(raw?.cache_creation_input_tokens),
  };
  if (typeof details?.thinking_tokens === 'number') usage.thinking_tokens = details.thinking_tokens;
  return usage;
}

interface ContentBlockLike {
  type: string;
  text?: string;
  thinking?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

/**
 * Turns the message stream of one Claude Code run into the bridge's
 * RunEvents. Stateful, but free of I/O: feed it every SDK message in order
 * with push(); it returns the events each message yields and throws a
 * BridgeError when the run failed. `done` tells when the run has nothing
 * more to say (the caller should then stop reading, which ends the process).
 */
export class SdkMessageNormalizer {
  done = false;
  private started = false;
  private stopReason: string | null = null;
  private stopSequence: string | null = null;
  /** Messages whose content arrived as stream events (so their final copies are skipped). */
  private readonly streamedMessageIds = new Set<string>();
  /** Content-block index → tool-call index, for the message being streamed. */
  private blockToolIndex = new Map<number, number>();
  private nextToolIndex = 0;
  private toolCallsHandedBack = false;
  /** Usage of the message being streamed, for runs that end before Claude Code's result. */
  private streamUsage: Record<string, unknown> = {};

  constructor(private readonly options: NormalizerOptions) {}

  /** The runner ended the turn on purpose at a client tool call. */
  markToolCallsHandedBack(): void {
    this.toolCallsHandedBack = true;
  }

  push(message: SDKMessage): RunEvent[] {
    if (this.done) return [];
    if ('parent_tool_use_id' in message && message.parent_tool_use_id) return [];
    switch (message.type) {
      case 'stream_event':
        return this.onStreamEvent(message.event as unknown as { type: string; [k: string]: unknown });
      case 'assistant':
        return this.onAssistant(message);
      case 'result':
        return this.onResult(message);
      case 'system':
        this.onSystem(message as unknown as { subtype: string; [k: string]: unknown });
        return [];
      case 'auth_status':
        if (message.error) {
          throw classifyUpstreamFailure({ status: 401, kind: 'authentication_failed', message: message.error });
        }
        return [];
      default:
        return [];
    }
  }

  private start(model: string): RunEvent[] {
    if (this.started) return [];
    this.started = true;
    return [{ type: 'start', model }];
  }

  private onStreamEvent(event: { type: string; [k: string]: unknown }): RunEvent[] {
    switch (event.type) {
      case 'message_start': {
        const msg = event.message as { id: string; model: string; usage?: Record<string, unknown> };
        this.streamedMessageIds.add(msg.id);
        this.blockToolIndex = new Map();
        this.streamUsage = { ...msg.usage };
        return this.start(msg.model);
      }
      case 'content_block_start': {
        const block = event.content_block as ContentBlockLike;
        if (block.type !== 'tool_use') return [];
        const index = this.nextToolIndex++;
        this.blockToolIndex.set(event.index as number, index);
        return [{ type: 'tool_call_start', index, id: block.id ?? '', name: this.clientToolName(block.name ?? '') }];
      }
      case 'content_block_delta': {
        const delta = event.delta as { type: string; text?: string; thinking?: string; partial_json?: string };
        if (delta.type === 'text_delta' && delta.text) return [{ type: 'text', text: delta.text }];
        if (delta.type === 'thinking_delta' && delta.thinking) return [{ type: 'thinking', text: delta.thinking }];
        if (delta.type === 'input_json_delta' && delta.partial_json) {
          const index = this.blockToolIndex.get(event.index as number);
          return index === undefined ? [] : [{ type: 'tool_call_delta', index, argumentsDelta: delta.partial_json }];
        }
        return [];
      }
      case 'message_delta': {
        const delta = event.delta as { stop_reason?: string | null; stop_sequence?: string | null };
        Object.assign(this.streamUsage, event.usage as Record<string, unknown> | undefined);
        if (delta.stop_reason) this.stopReason = delta.stop_reason;
        if (delta.stop_sequence) this.stopSequence = delta.stop_sequence;
        return this.endsTurnHere(delta.stop_reason) ? this.endNow(toStopReason(delta.stop_reason)) : [];
      }
      default:
        return [];
    }
  }

  /**
   * Stops at which the answer the client asked for is complete, although
   * Claude Code would go on: after max_tokens it asks Claude to resume, after
   * a refusal it may retry with another model, and after a call of the
   * client's tool it would try to run that tool. The run ends here instead.
   */
  private endsTurnHere(stopReason: string | null | undefined): boolean {
    if (stopReason === 'max_tokens' || stopReason === 'refusal') return true;
    return stopReason === 'tool_use' && this.options.clientToolsOffered;
  }

  private endNow(stopReason: StopReason): RunEvent[] {
    this.done = true;
    return [{ type: 'end', stopReason, stopSequence: null, usage: toUsage(this.streamUsage) }];
  }

  private onAssistant(message: Extract<SDKMessage, { type: 'assistant' }>): RunEvent[] {
    const extra = message as unknown as { is_api_error_message?: boolean; api_error_status?: number | null };
    const content = (message.message.content ?? []) as ContentBlockLike[];
    if (extra.is_api_error_message || message.message.model === '<synthetic>') {
      const text = content.map((b) => b.text ?? '').join('');
      throw classifyUpstreamFailure({ status: extra.api_error_status ?? null, kind: message.error, message: text });
    }
    // Content already relayed token by token is skipped; a message that was
    // not streamed (a non-streaming fallback) is relayed whole.
    if (this.streamedMessageIds.has(message.message.id)) return [];
    const events: RunEvent[] = [...this.start(message.message.model)];
    for (const block of content) {
      if (block.type === 'text' && block.text) events.push({ type: 'text', text: block.text });
      else if (block.type === 'thinking' && block.thinking) events.push({ type: 'thinking', text: block.thinking });
      else if (block.type === 'tool_use') {
        const index = this.nextToolIndex++;
        events.push({ type: 'tool_call_start', index, id: block.id ?? '', name: this.clientToolName(block.name ?? '') });
        events.push({ type: 'tool_call_delta', index, argumentsDelta: JSON.stringify(block.input ?? {}) });
      }
    }
    if (message.message.stop_reason) this.stopReason = message.message.stop_reason;
    return events;
  }

  private onSystem(message: { subtype: string; [k: string]: unknown }): void {
    if (message.subtype !== 'api_retry') return;
    const kind = message.error as string | undefined;
    const attempt = (message.attempt as number | undefined) ?? 1;
    // A login problem does not get better by waiting; anything else may be
    // retried as often as configured before the client hears about it.
    if (kind === 'authentication_failed' || attempt > this.options.upstreamRetries) {
      throw classifyUpstreamFailure({
        status: (message.error_status as number | null | undefined) ?? null,
        kind,
        message: `Claude's API answered with an error (${kind ?? 'unknown'})`,
        retryDelayMs: message.retry_delay_ms as number | undefined,
      });
    }
  }

  private onResult(message: SDKResultMessage): RunEvent[] {
    this.done = true;
    const usage = toUsage(message.usage as unknown as Record<string, unknown>);
    if (this.toolCallsHandedBack) {
      return [...this.start('unknown'), { type: 'end', stopReason: 'tool_use', stopSequence: null, usage }];
    }
    if (message.subtype === 'success' && !message.is_error) {
      const stopReason = toStopReason(message.stop_reason ?? this.stopReason);
      return [
        ...this.start('unknown'),
        { type: 'end', stopReason, stopSequence: stopReason === 'stop_sequence' ? this.stopSequence : null, usage },
      ];
    }
    const extra = message as unknown as { api_error_status?: number | null; result?: string; errors?: string[] };
    if (message.subtype === 'success' || extra.api_error_status) {
      throw classifyUpstreamFailure({
        status: extra.api_error_status ?? null,
        kind: undefined,
        message: extra.result ?? 'unknown error',
      });
    }
    const errors = (extra.errors ?? []).filter(Boolean).join('; ');
    throw new BridgeError('upstream', `Claude Code ended the run early (${message.subtype})${errors ? `: ${errors}` : ''}`, {
      code: 'claude_code_error',
    });
  }

  private clientToolName(name: string): string {
    return name.startsWith(this.options.clientToolPrefix) ? name.slice(this.options.clientToolPrefix.length) : name;
  }
}
