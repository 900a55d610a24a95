import { BridgeError } from '../errors/bridge-error.js';
import { USAGE_POLICY_NOTE, usagePolicyCode, type UsagePolicyCode } from './usage-policy.js';

/** How Claude Code describes a failed call to Claude's API. */
export interface UpstreamFailure {
  /** HTTP status from the API, when Claude Code reports one. */
  status: number | null;
  /** Claude Code's own classification (SDKAssistantMessageError), when given. */
  kind: string | undefined;
  /** Text Claude Code reported, e.g. "API Error: 400 prompt is too long". */
  message: string;
  /** Claude Code's planned wait before its next attempt, when it was going to retry. */
  retryDelayMs?: number;
  /** The id Claude's API gave the request (`request_id` on Claude Code's error message). */
  requestId?: string;
  /** Claude Code's finer name for the failure (`api_error`, e.g. usage_limit_reached), when given. */
  apiError?: string;
  /** When the account's usage limit that refused the request resets (Unix seconds), when Claude Code says. */
  limitResetsAt?: number;
}

/** Status and error kind of each usage-policy answer: none is one a client should retry. */
const POLICY_KIND: Record<UsagePolicyCode, 'payment_required' | 'permission'> = {
  extra_usage_required: 'payment_required',
  extra_usage_exhausted: 'payment_required',
  long_context_requires_extra_usage: 'payment_required',
  credential_not_authorized: 'permission',
};

/** Seconds until a Unix time, at least 1 (a Retry-After of 0 invites an instant retry). */
export function secondsUntil(unixSeconds: number, now = Date.now()): number {
  return Math.max(1, Math.ceil(unixSeconds - now / 1000));
}

export const LOGIN_HELP =
  'Claude Code is not logged in, or its login has expired. On the machine running the bridge, run `claude login` ' +
  '(or `claude setup-token` and set CLAUDE_CODE_OAUTH_TOKEN), or set ANTHROPIC_API_KEY, then try again.';

/** Remove Claude Code's "API Error: 400 " framing so the client sees the API's own words. */
export function upstreamText(message: string): string {
  const trimmed = message.trim();
  const match = /API Error:\s*(?:\d{3}\s*)?(.*)$/s.exec(trimmed);
  const text = (match ? match[1]! : trimmed).trim();
  // The API's error body is sometimes passed on as JSON text.
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed?.error?.message === 'string') return parsed.error.message;
  } catch {
    // not JSON: keep the text
  }
  return text || trimmed;
}

function statusFromText(message: string): number | null {
  const match = /API Error:\s*(\d{3})/.exec(message);
  return match ? Number(match[1]) : null;
}

/**
 * Map a failure reported by Claude Code to the bridge's error, so that a
 * client sees the same HTTP status it would get from an API: 401 for login
 * problems, 429 for rate limits, 503 for overload, 400 for requests Claude
 * refused, 502 for everything else that went wrong upstream.
 */
export function classifyUpstreamFailure(failure: UpstreamFailure): BridgeError {
  const status = failure.status ?? statusFromText(failure.message);
  const kind = failure.kind;
  const detail = upstreamText(failure.message);
  const retryAfterSeconds =
    failure.retryDelayMs !== undefined && failure.retryDelayMs > 0 ? Math.ceil(failure.retryDelayMs / 1000) : undefined;
  const requestId = failure.requestId ? { upstreamRequestId: failure.requestId } : {};

  // Checked first: one of them comes as a 429, and none is a passing limit.
  const policy = usagePolicyCode(detail, failure.apiError);
  if (policy) {
    const quoted = failure.requestId ? ` (Anthropic request id: ${failure.requestId})` : '';
    return new BridgeError(POLICY_KIND[policy], `${detail}${quoted} ${USAGE_POLICY_NOTE}`, { code: policy, final: true, ...requestId });
  }

  // Claude Code files a 403 under authentication_failed too; the status says more.
  if (status === 403 || kind === 'oauth_org_not_allowed' || kind === 'account_on_hold' || kind === 'verification_required') {
    return new BridgeError('permission', `Claude's API refused this account: ${detail}`, { ...requestId, code: 'upstream_forbidden' });
  }
  if (kind === 'authentication_failed' || status === 401) {
    return new BridgeError('authentication', `${LOGIN_HELP} (Claude's API said: ${detail})`, {
      ...requestId,
      code: 'claude_code_not_logged_in',
    });
  }
  // The account's plan limit (five-hour or weekly window): waiting until it resets is what helps.
  if ((kind === 'rate_limit' || status === 429) && (failure.apiError === 'usage_limit_reached' || failure.limitResetsAt !== undefined)) {
    return new BridgeError('rate_limit', `Your Claude plan's usage limit was reached: ${detail}`, {
      ...requestId,
      code: 'usage_limit_reached',
      ...(failure.limitResetsAt !== undefined
        ? { retryAfterSeconds: secondsUntil(failure.limitResetsAt) }
        : retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds }),
    });
  }
  if (kind === 'rate_limit' || status === 429) {
    return new BridgeError('rate_limit', `Claude's API rate limit was reached: ${detail}`, {
      ...requestId,
      code: 'rate_limit_exceeded',
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  if (kind === 'overloaded' || status === 529 || status === 503) {
    return new BridgeError('overloaded', `Claude's API is overloaded: ${detail}`, {
      ...requestId,
      code: 'upstream_overloaded',
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  if (kind === 'model_not_found' || status === 404) {
    return new BridgeError('not_found', `Claude's API does not offer the requested model: ${detail}`, {
      ...requestId,
      code: 'model_not_found',
      param: 'model',
    });
  }
  if (status === 413) {
    return new BridgeError('request_too_large', `Claude's API found the request too large: ${detail}`, {
      ...requestId,
      code: 'upstream_request_too_large',
    });
  }
  if (kind === 'billing_error' || kind === 'invalid_request' || status === 400) {
    return new BridgeError('invalid_request', detail, { code: kind === 'billing_error' ? 'billing_error' : 'upstream_invalid_request' });
  }
  const shownStatus = status === null ? '' : ` (HTTP ${status})`;
  return new BridgeError('upstream', `Claude's API failed${shownStatus}: ${detail}`, { ...requestId, code: 'upstream_error' });
}
