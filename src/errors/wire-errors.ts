import type { BridgeError, ErrorKind } from './bridge-error.js';

/** The error shapes the bridge speaks: OpenAI's (Chat Completions, Responses, models) and Anthropic's. */
export type WireFormat = 'openai' | 'anthropic';

/**
 * The HTTP status for an error in a wire format. They agree but in one
 * place: Anthropic's API answers overload with 529, which its clients
 * (Claude Code among them) treat specially; OpenAI clients know 503.
 */
export function wireStatus(err: BridgeError, wire: WireFormat): number {
  if (wire === 'anthropic' && err.kind === 'overloaded') return 529;
  return err.status;
}

/** The `type` field of an OpenAI error object for each kind of failure. */
const OPENAI_TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  // OpenAI's own type for "the account's quota or billing stops this": clients know not to loop on it.
  payment_required: 'insufficient_quota',
  permission: 'permission_error',
  not_found: 'invalid_request_error',
  method_not_allowed: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  unsupported_media_type: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  server: 'server_error',
  upstream: 'upstream_error',
  overloaded: 'overloaded_error',
  timeout: 'timeout_error',
};

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function toOpenAIErrorBody(err: BridgeError): OpenAIErrorBody {
  return {
    error: { message: err.message, type: OPENAI_TYPE[err.kind], param: err.param, code: err.code },
  };
}

/** Anthropic's error types, as its API documents them per status code. */
const ANTHROPIC_TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  // Anthropic's API answers 402 with billing_error.
  payment_required: 'billing_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  method_not_allowed: 'invalid_request_error',
  request_too_large: 'request_too_large',
  unsupported_media_type: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  server: 'api_error',
  upstream: 'api_error',
  overloaded: 'overloaded_error',
  timeout: 'timeout_error',
};

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  /** Anthropic's API names the request in every error body; so does the bridge, when it knows it. */
  request_id?: string;
}

export function toAnthropicErrorBody(err: BridgeError, requestId?: string): AnthropicErrorBody {
  return { type: 'error', error: { type: ANTHROPIC_TYPE[err.kind], message: err.message }, ...(requestId ? { request_id: requestId } : {}) };
}

/** Headers that go with an error response whatever the wire format. */
export function errorHeaders(err: BridgeError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (err.retryAfterSeconds !== undefined) headers['retry-after'] = String(err.retryAfterSeconds);
  // The OpenAI and Anthropic SDKs obey this header before their own retry rules.
  if (err.final) headers['x-should-retry'] = 'false';
  if (err.upstreamRequestId) headers[UPSTREAM_REQUEST_ID_HEADER] = err.upstreamRequestId;
  return headers;
}

/** Carries the id Claude's API gave a failed request (it is also in the error message). */
export const UPSTREAM_REQUEST_ID_HEADER = 'x-claude-code-bridge-upstream-request-id';
