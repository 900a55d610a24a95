import type { BridgeError, ErrorKind } from './bridge-error.js';

/** The `type` field of an OpenAI error object for each kind of failure. */
const OPENAI_TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
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
}

export function toAnthropicErrorBody(err: BridgeError): AnthropicErrorBody {
  return { type: 'error', error: { type: ANTHROPIC_TYPE[err.kind], message: err.message } };
}

/** Headers that go with an error response whatever the wire format. */
export function errorHeaders(err: BridgeError): Record<string, string> {
  return err.retryAfterSeconds === undefined ? {} : { 'retry-after': String(err.retryAfterSeconds) };
}
