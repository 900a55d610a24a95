import { BridgeError } from '../errors/bridge-error.js';
import type { RunEvent, StopReason, Usage } from '../core/types.js';
import {
  readSdkMessage,
  type ApiRetryShape,
  type AssistantShape,
  type ContentBlockShape,
  type DeltaShape,
  type RateLimitInfoShape,
  type ResultShape,
  type StreamEventShape,
  type UsageShape,
} from './sdk-message-shapes.js';
import { classifyUpstreamFailure } from './upstream-errors.js';

/** The tool Claude Code offers for structured output (`outputFormat`). */
export const STRUCTURED_OUTPUT_TOOL = 'StructuredOutput';

export interface NormalizerOptions {
  /** Prefix of the client's tools as Claude sees them (`mcp__<server>__`). */
  clientToolPrefix: string;
  /** Upstream retries Claude Code may make before the bridge reports the failure. */
  upstreamRetries: number;
  /** Whether the client offered tools (a call of one then ends the run). */
  clientToolsOffered: boolean;
  /** At most this many tool calls are handed back (1 when parallel calls are off). */
  maxToolCalls?: number;
  /** Whether the answer is structured output: its JSON becomes the text, other text is dropped. */
  structuredOutput?: boolean;
  /**
   * Count usage from this request's own messages: a turn continued with tool
   * results began in an earlier request, whose messages Claude Code's own
   * turn total would include again.
   */
  usageFromStream?: boolean;
  /** Hears each report of the account's usage limits (subscription logins only). */
  onRateLimit?: (info: RateLimitInfoShape) => void;
}

const STOP_REASONS: ReadonlySet<string> = new Set<StopReason>(['end_turn', 'stop_sequence', 'max_tokens', 'tool_use', 'refusal']);

function isStopReason(raw: string): raw is StopReason {
  return STOP_REASONS.has(raw);
}

function toStopReason(raw: string | null | undefined): StopReason {
  if (raw && isStopReason(raw)) return raw;
  if (raw === 'model_context_window_exceeded') return 'max_tokens';
  return 'end_turn';
}

const num = (v: number | null | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function toUsage(raw: UsageShape | undefined): Usage {
  const usage: Usage = {
    input_tokens: num(raw?.input_tokens),
    output_tokens: num(raw?.output_tokens),
    cache_read_input_tokens: num(raw?.cache_read_input_tokens),
    cache_creation_input_tokens: num(raw?.cache_creation_input_tokens),
  };
  const thinking = raw?.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number') usage.thinking_tokens = thinking;
  return usage;
}

/** Totals across models, for runs whose per-turn usage was cut short (an interrupt). */
function usageFromModelUsage(modelUsage: ResultShape['modelUsage']): Usage {
  const usage: Usage = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  for (const m of Object.values(modelUsage)) {
    usage.input_tokens += num(m.inputTokens);
    usage.output_tokens += num(m.outputTokens);
    usage.cache_read_input_tokens += num(m.cacheReadInputTokens);
    usage.cache_creation_input_tokens += num(m.cacheCreationInputTokens);
  }
  return usage;
}

type BlockRole = { kind: 'tool'; index: number } | { kind: 'structured' } | { kind: 'dropped' };

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
  /** The model named by the latest message_start, announced with the first output. */
  private model = 'unknown';
  private stopReason: string | null = null;
  private stopSequence: string | null = null;
  /** Messages whose content arrived as stream events (so their final copies are skipped). */
  private readonly streamedMessageIds = new Set<string>();
  /** What each content block of the message being streamed is, when it is not plain text or thinking. */
  private blockRoles = new Map<number, BlockRole>();
  private nextToolIndex = 0;
  private structuredAnswers = 0;
  private interrupted = false;
  /** Some tool calls were not handed back (parallel calls were turned off). */
  private droppedToolCalls = false;
  /** Usage summed over the messages of this turn, counted from the stream. */
  private readonly turnUsage: Usage = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  /** Usage of the message being streamed, for runs that end before Claude Code's result. */
  private streamUsage: UsageShape = {};
  /** The latest report of the account's usage limits in this run. */
  private rateLimit: RateLimitInfoShape | undefined;

  constructor(private readonly options: NormalizerOptions) {}

  /** Claude called client tools and every call was handed back (none dropped because parallel calls are off). */
  get handedBackAllToolCalls(): boolean {
    return this.nextToolIndex > 0 && !this.droppedToolCalls;
  }

  /** The runner interrupted the turn (the answer is complete for the client). */
  markInterrupted(): void {
    this.interrupted = true;
  }

  /** One SDK message (read through sdk-message-shapes: a message whose fields are not as expected throws). */
  push(raw: unknown): RunEvent[] {
    if (this.done) return [];
    const message = readSdkMessage(raw);
    switch (message.type) {
      case 'stream_event':
        return this.interrupted || !message.event ? [] : this.onStreamEvent(message.event);
      case 'assistant':
        return this.onAssistant(message);
      case 'result':
        return this.onResult(message);
      case 'system':
        this.onRetry(message);
        return [];
      case 'rate_limit_event':
        this.rateLimit = message.rate_limit_info;
        this.options.onRateLimit?.(message.rate_limit_info);
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

  /**
   * `start` goes out with the first output rather than at message_start: a
   * failure before any output (an attempt cut off, then refused) can then
   * still be answered with a plain HTTP error. It carries the input usage of
   * the latest message_start, which comes before any content.
   */
  private start(): RunEvent[] {
    if (this.started) return [];
    this.started = true;
    const usage = 'input_tokens' in this.streamUsage ? { ...toUsage(this.streamUsage), output_tokens: 0 } : undefined;
    return [{ type: 'start', model: this.model, ...(usage ? { usage } : {}) }];
  }

  private withStart(events: RunEvent[]): RunEvent[] {
    return events.length === 0 ? events : [...this.start(), ...events];
  }

  private onStreamEvent(event: StreamEventShape): RunEvent[] {
    switch (event.type) {
      case 'message_start': {
        const msg = event.message;
        this.streamedMessageIds.add(msg.id);
        this.blockRoles = new Map();
        this.streamUsage = { ...msg.usage };
        this.model = msg.model;
        return [];
      }
      case 'content_block_start':
        return this.withStart(this.onBlockStart(event.index, event.content_block));
      case 'content_block_delta':
        return this.withStart(this.onDelta(event.index, event.delta));
      case 'message_delta': {
        const delta = event.delta;
        Object.assign(this.streamUsage, event.usage);
        const usage = toUsage(this.streamUsage);
        this.turnUsage.input_tokens += usage.input_tokens;
        this.turnUsage.output_tokens += usage.output_tokens;
        this.turnUsage.cache_read_input_tokens += usage.cache_read_input_tokens;
        this.turnUsage.cache_creation_input_tokens += usage.cache_creation_input_tokens;
        if (delta.stop_reason) this.stopReason = delta.stop_reason;
        if (delta.stop_sequence) this.stopSequence = delta.stop_sequence;
        return this.endsTurnHere(delta.stop_reason) ? this.endNow(toStopReason(delta.stop_reason)) : [];
      }
    }
  }

  private onBlockStart(blockIndex: number, block: ContentBlockShape): RunEvent[] {
    if (block.type !== 'tool_use') return [];
    if (this.options.structuredOutput && block.name === STRUCTURED_OUTPUT_TOOL) {
      // A second attempt means Claude Code refused the first (it did not
      // match the schema); the first is already on its way to the client.
      if (this.structuredAnswers++ > 0) {
        throw new BridgeError('upstream', "Claude's structured output did not match the requested schema.", {
          code: 'structured_output_failed',
        });
      }
      this.blockRoles.set(blockIndex, { kind: 'structured' });
      return [];
    }
    if (this.nextToolIndex >= (this.options.maxToolCalls ?? Infinity)) {
      this.blockRoles.set(blockIndex, { kind: 'dropped' });
      this.droppedToolCalls = true;
      return [];
    }
    const index = this.nextToolIndex++;
    this.blockRoles.set(blockIndex, { kind: 'tool', index });
    return [{ type: 'tool_call_start', index, id: block.id ?? '', name: this.clientToolName(block.name ?? '') }];
  }

  private onDelta(blockIndex: number, delta: DeltaShape): RunEvent[] {
    const role = this.blockRoles.get(blockIndex);
    if (delta.type === 'text_delta' && delta.text) {
      // With structured output the answer is the JSON; prose around it is not part of it.
      return this.options.structuredOutput ? [] : [{ type: 'text', text: delta.text }];
    }
    if (delta.type === 'thinking_delta' && delta.thinking) return [{ type: 'thinking', text: delta.thinking }];
    if (delta.type === 'signature_delta' && delta.signature) return [{ type: 'thinking_signature', signature: delta.signature }];
    if (delta.type === 'input_json_delta' && delta.partial_json && role) {
      if (role.kind === 'structured') return [{ type: 'text', text: delta.partial_json }];
      if (role.kind === 'tool') return [{ type: 'tool_call_delta', index: role.index, argumentsDelta: delta.partial_json }];
    }
    return [];
  }

  /**
   * Stops at which the answer the client asked for is complete, although
   * Claude Code would go on: after max_tokens it asks Claude to resume, after
   * a refusal it may retry with another model, and after a call of the
   * client's tool it would try to run that tool. The run ends here instead.
   */
  private endsTurnHere(stopReason: string | null | undefined): boolean {
    if (stopReason === 'max_tokens' || stopReason === 'refusal') return true;
    return stopReason === 'tool_use' && this.options.clientToolsOffered && this.nextToolIndex > 0;
  }

  private endNow(stopReason: StopReason): RunEvent[] {
    this.done = true;
    return this.withStart([{ type: 'end', stopReason, stopSequence: null, usage: toUsage(this.streamUsage) }]);
  }

  private onAssistant(message: AssistantShape): RunEvent[] {
    const extra = message;
    const content = message.message.content ?? [];
    if (extra.is_api_error_message || message.message.model === '<synthetic>') {
      if (this.interrupted) return [];
      const text = content.map((b) => b.text ?? '').join('');
      // A usage limit's refusal comes with (or just after a report of) the limit that refused it.
      const limit = extra.api_error_params?.rate_limit_info ?? this.rateLimit;
      throw classifyUpstreamFailure({
        status: extra.api_error_status ?? null,
        kind: message.error,
        message: text,
        ...(extra.request_id ? { requestId: extra.request_id } : {}),
        ...(extra.api_error ? { apiError: extra.api_error } : {}),
        ...(limit?.status === 'rejected' && limit.resetsAt !== undefined ? { limitResetsAt: limit.resetsAt } : {}),
      });
    }
    // Content already relayed token by token is skipped; a message that was
    // not streamed (a non-streaming fallback) is relayed whole.
    if (this.interrupted || this.streamedMessageIds.has(message.message.id)) return [];
    this.model = message.message.model;
    const events: RunEvent[] = [];
    content.forEach((block, i) => {
      events.push(...this.onBlockStart(1000 + i, block));
      if (block.type === 'text' && block.text) events.push(...this.onDelta(1000 + i, { type: 'text_delta', text: block.text }));
      else if (block.type === 'thinking' && block.thinking) {
        events.push({ type: 'thinking', text: block.thinking });
        if (block.signature) events.push({ type: 'thinking_signature', signature: block.signature });
      }
      else if (block.type === 'tool_use') {
        events.push(...this.onDelta(1000 + i, { type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) }));
      }
    });
    if (message.message.stop_reason) this.stopReason = message.message.stop_reason;
    return this.withStart(events);
  }

  private onRetry(message: ApiRetryShape): void {
    const kind = message.error;
    const attempt = message.attempt;
    // A login problem does not get better by waiting; anything else may be
    // retried as often as configured before the client hears about it, as
    // long as nothing of the failed attempt has reached the client (a retry
    // starts the answer over, and what was sent cannot be taken back).
    if (kind === 'authentication_failed' || attempt > this.options.upstreamRetries || this.started) {
      const status = message.error_status;
      throw classifyUpstreamFailure({
        status,
        kind,
        message:
          status === null
            ? "the connection to Claude's API failed or its answer broke off (Claude Code would retry; --upstream-retries lets it while nothing has been sent)"
            : `Claude's API answered with HTTP ${status} (${kind ?? 'unknown'})`,
        ...(message.retry_delay_ms !== undefined ? { retryDelayMs: message.retry_delay_ms } : {}),
      });
    }
  }

  private onResult(message: ResultShape): RunEvent[] {
    this.done = true;
    const usage = toUsage(message.usage);
    if (this.interrupted) {
      const modelUsage = usageFromModelUsage(message.modelUsage);
      return this.withStart([{ type: 'end', stopReason: 'end_turn', stopSequence: null, usage: modelUsage }]);
    }
    if (message.subtype === 'success' && !message.is_error) {
      if (this.options.usageFromStream) Object.assign(usage, this.turnUsage);
      let stopReason = toStopReason(message.stop_reason ?? this.stopReason);
      // Structured output ends on Claude Code's own tool call; for the client the answer is simply complete.
      if (this.structuredAnswers > 0 && stopReason === 'tool_use') stopReason = 'end_turn';
      if (this.options.structuredOutput && this.structuredAnswers === 0 && stopReason !== 'max_tokens' && stopReason !== 'refusal') {
        // The answer the client asked for is the JSON; an empty success would pass for one.
        throw new BridgeError('upstream', 'Claude did not return the structured output (it answered without producing JSON for the requested schema).', {
          code: 'structured_output_failed',
        });
      }
      return this.withStart([
        { type: 'end', stopReason, stopSequence: stopReason === 'stop_sequence' ? this.stopSequence : null, usage },
      ]);
    }
    const extra = message;
    if (message.subtype === 'success' || extra.api_error_status) {
      throw classifyUpstreamFailure({
        status: extra.api_error_status ?? null,
        kind: undefined,
        message: extra.result ?? 'unknown error',
      });
    }
    if (message.subtype === 'error_max_structured_output_retries') {
      throw new BridgeError('upstream', "Claude did not produce output matching the requested schema.", {
        code: 'structured_output_failed',
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
