import { z } from 'zod';
import { BridgeError } from '../errors/bridge-error.js';

/**
 * The parts of the Agent SDK's messages the bridge reads, parsed rather than
 * cast. The SDK is 0.x: a field it renames must become a clear error, not a
 * silent zero in the usage or a missed failure. Each schema names only the
 * fields the bridge reads and lets everything else through (loose objects),
 * so a field the SDK adds changes nothing. A field the Anthropic API or the
 * SDK's types call required is required here; one they call optional is
 * optional here too.
 */

const count = z.number();
const optionalCount = z.number().nullish();

/** Usage as Claude's API reports it (message_start, message_delta, a result's total). */
const usageShape = z.looseObject({
  input_tokens: optionalCount,
  output_tokens: optionalCount,
  cache_read_input_tokens: optionalCount,
  cache_creation_input_tokens: optionalCount,
  output_tokens_details: z.looseObject({ thinking_tokens: optionalCount }).nullish(),
});
export type UsageShape = z.infer<typeof usageShape>;

/** A content block, streamed (content_block_start) or whole (an assistant message). */
const contentBlockShape = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  thinking: z.string().optional(),
  signature: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
});
export type ContentBlockShape = z.infer<typeof contentBlockShape>;

const deltaShape = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  thinking: z.string().optional(),
  signature: z.string().optional(),
  partial_json: z.string().optional(),
});
export type DeltaShape = z.infer<typeof deltaShape>;

/** The raw Anthropic stream events the bridge acts on; the others (ping, content_block_stop, message_stop) are skipped unread. */
const streamEventShape = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('message_start'),
    message: z.looseObject({ id: z.string(), model: z.string(), usage: usageShape.nullish() }),
  }),
  z.looseObject({ type: z.literal('content_block_start'), index: z.number(), content_block: contentBlockShape }),
  z.looseObject({ type: z.literal('content_block_delta'), index: z.number(), delta: deltaShape }),
  z.looseObject({
    type: z.literal('message_delta'),
    delta: z.looseObject({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }),
    usage: usageShape.nullish(),
  }),
]);
export type StreamEventShape = z.infer<typeof streamEventShape>;
const STREAM_EVENTS_READ: ReadonlySet<string> = new Set(['message_start', 'content_block_start', 'content_block_delta', 'message_delta']);

/** A report of the account's usage limits (subscription logins). */
const rateLimitInfoShape = z.looseObject({
  status: z.enum(['allowed', 'allowed_warning', 'rejected']),
  resetsAt: z.number().optional(),
  rateLimitType: z.string().optional(),
  utilization: z.number().optional(),
  overageStatus: z.string().optional(),
  overageResetsAt: z.number().optional(),
  overageDisabledReason: z.string().optional(),
  isUsingOverage: z.boolean().optional(),
  overageInUse: z.boolean().optional(),
  // Not in the SDK's types yet: each window's own figures, read with care.
  unifiedWindows: z.record(z.string(), z.unknown()).optional(),
});
export type RateLimitInfoShape = z.infer<typeof rateLimitInfoShape>;

const assistantShape = z.looseObject({
  type: z.literal('assistant'),
  message: z.looseObject({
    id: z.string(),
    model: z.string(),
    content: z.array(contentBlockShape).nullish(),
    stop_reason: z.string().nullish(),
  }),
  error: z.string().optional(),
  is_api_error_message: z.boolean().optional(),
  api_error_status: z.number().nullish(),
  api_error: z.string().optional(),
  api_error_params: z.looseObject({ rate_limit_info: rateLimitInfoShape.optional() }).nullish(),
  request_id: z.string().optional(),
});
export type AssistantShape = z.infer<typeof assistantShape>;

const modelUsageShape = z.looseObject({
  inputTokens: count,
  outputTokens: count,
  cacheReadInputTokens: count,
  cacheCreationInputTokens: count,
});

const resultShape = z.looseObject({
  type: z.literal('result'),
  subtype: z.string(),
  is_error: z.boolean(),
  stop_reason: z.string().nullish(),
  usage: usageShape.extend({ input_tokens: count, output_tokens: count }),
  modelUsage: z.record(z.string(), modelUsageShape),
  api_error_status: z.number().nullish(),
  result: z.string().optional(),
  errors: z.array(z.string()).optional(),
});
export type ResultShape = z.infer<typeof resultShape>;

const systemShape = z.looseObject({
  type: z.literal('system'),
  subtype: z.string(),
  session_id: z.string().optional(),
});

const apiRetryShape = z.looseObject({
  type: z.literal('system'),
  subtype: z.literal('api_retry'),
  attempt: z.number(),
  error_status: z.number().nullable(),
  error: z.string().optional(),
  retry_delay_ms: z.number().optional(),
});
export type ApiRetryShape = z.infer<typeof apiRetryShape>;

const rateLimitEventShape = z.looseObject({ type: z.literal('rate_limit_event'), rate_limit_info: rateLimitInfoShape });
const authStatusShape = z.looseObject({ type: z.literal('auth_status'), error: z.string().optional() });

/** A message as the bridge reads it; `other` is any message it has no use for. */
export type SdkMessageShape =
  | { type: 'stream_event'; event: StreamEventShape | undefined }
  | AssistantShape
  | ResultShape
  | ApiRetryShape
  | z.infer<typeof rateLimitEventShape>
  | z.infer<typeof authStatusShape>
  | { type: 'other' };

const envelopeShape = z.looseObject({ type: z.string(), parent_tool_use_id: z.string().nullish() });
const streamEnvelopeShape = z.looseObject({ event: z.looseObject({ type: z.string() }) });

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new BridgeError(
    'upstream',
    `Unexpected ${what} from Claude Code${where}: ${issue?.message ?? 'not in the shape the bridge reads'}. The Agent SDK may have changed; the bridge needs an update.`,
    { code: 'claude_code_unexpected_message' },
  );
}

/**
 * Read one SDK message: the fields the bridge acts on, checked. A message of
 * a kind the bridge reads whose fields are not as expected throws a
 * BridgeError (502) naming the field. A message from inside a subagent
 * (Claude Code's own Task tool) is never part of the answer: `other`.
 */
export function readSdkMessage(message: unknown): SdkMessageShape {
  return tokenDelta(message) ?? readChecked(message);
}

/** readSdkMessage without the short cut for tokens: every message through the schemas. */
export function readChecked(message: unknown): SdkMessageShape {
  const { type, parent_tool_use_id: parent } = parsed(envelopeShape, message, 'message');
  if (parent) return { type: 'other' };
  switch (type) {
    case 'stream_event': {
      const { event } = parsed(streamEnvelopeShape, message, 'stream event');
      return { type, event: STREAM_EVENTS_READ.has(event.type) ? parsed(streamEventShape, event, `${event.type} event`) : undefined };
    }
    case 'assistant':
      return parsed(assistantShape, message, 'assistant message');
    case 'result':
      return parsed(resultShape, message, 'result message');
    case 'system': {
      const system = parsed(systemShape, message, 'system message');
      return system.subtype === 'api_retry' ? parsed(apiRetryShape, message, 'api_retry message') : { type: 'other' };
    }
    case 'rate_limit_event': {
      // A report is information for the status page, not part of the answer:
      // one in a shape the bridge does not know is left out rather than failing the request.
      const report = rateLimitEventShape.safeParse(message);
      return report.success ? report.data : { type: 'other' };
    }
    case 'auth_status':
      return parsed(authStatusShape, message, 'auth_status message');
    default:
      return { type: 'other' };
  }
}

/**
 * The message of nearly every token (a content_block_delta of the answer),
 * checked by hand: a long answer is tens of thousands of them, and three zod
 * parses each were a sixth of the bridge's own work on it. It reads exactly
 * the fields the schemas above read (and keeps no others: nothing reads
 * them); anything else about the message (a field of another type, a
 * subagent's delta) is left to the schemas, which name the fault.
 */
function tokenDelta(message: unknown): SdkMessageShape | undefined {
  if (!isRecord(message) || message.type !== 'stream_event' || (message.parent_tool_use_id !== undefined && message.parent_tool_use_id !== null)) return undefined;
  const { event } = message;
  if (!isRecord(event) || event.type !== 'content_block_delta' || typeof event.index !== 'number') return undefined;
  const { delta } = event;
  if (!isRecord(delta) || typeof delta.type !== 'string') return undefined;
  const { text, thinking, signature, partial_json: partialJson } = delta;
  if (!stringOrAbsent(text) || !stringOrAbsent(thinking) || !stringOrAbsent(signature) || !stringOrAbsent(partialJson)) return undefined;
  return {
    type: 'stream_event',
    event: { type: 'content_block_delta', index: event.index, delta: { type: delta.type, text, thinking, signature, partial_json: partialJson } },
  };
}

function stringOrAbsent(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The session id Claude Code announces in its start-up report (`system/init`), or undefined for any other message. */
export function initSessionId(message: unknown): string | undefined {
  const system = systemShape.safeParse(message);
  return system.success && system.data.subtype === 'init' ? system.data.session_id : undefined;
}
