/**
 * The one error type of the bridge. Every failure that reaches a client is a
 * BridgeError; each wire format serialises it in its own shape
 * (see wire-errors.ts), so status codes and messages are decided once.
 */
export type ErrorKind =
  | 'invalid_request' // 400
  | 'authentication' // 401
  | 'payment_required' // 402
  | 'permission' // 403
  | 'not_found' // 404
  | 'method_not_allowed' // 405
  | 'request_too_large' // 413
  | 'unsupported_media_type' // 415
  | 'rate_limit' // 429
  | 'server' // 500
  | 'upstream' // 502
  | 'overloaded' // 503
  | 'timeout'; // 504

const STATUS: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  payment_required: 402,
  permission: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_too_large: 413,
  unsupported_media_type: 415,
  rate_limit: 429,
  server: 500,
  upstream: 502,
  overloaded: 503,
  timeout: 504,
};

export interface BridgeErrorOptions {
  code?: string | null;
  param?: string | null;
  /** Seconds a client should wait before retrying (becomes Retry-After). */
  retryAfterSeconds?: number;
  /** Retrying cannot help (a decision about the account): clients are told not to (`x-should-retry: false`). */
  final?: boolean;
  /** The id Claude's API gave the failed request, for the user to quote to Anthropic. */
  upstreamRequestId?: string;
  cause?: unknown;
}

export class BridgeError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryAfterSeconds: number | undefined;
  readonly final: boolean;
  readonly upstreamRequestId: string | undefined;

  constructor(kind: ErrorKind, message: string, options: BridgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BridgeError';
    this.kind = kind;
    this.status = STATUS[kind];
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.final = options.final ?? false;
    this.upstreamRequestId = options.upstreamRequestId;
  }
}

export function invalidRequest(message: string, param?: string | null, code?: string | null): BridgeError {
  return new BridgeError('invalid_request', message, { param: param ?? null, code: code ?? null });
}

/** Anything thrown that is not a BridgeError is a bug or an unexpected failure: 500. */
export function toBridgeError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new BridgeError('server', `Internal error: ${message}`, { cause: err });
}
