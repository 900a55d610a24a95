import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { EXIT, UsageError } from './exit-codes.js';

export interface Explained {
  /** One line for stderr. */
  message: string;
  exitCode: number;
}

export interface ErrorContext {
  baseURL: string;
  /** Whether an API key was given (--api-key or BRIDGE_API_KEY). */
  hasApiKey: boolean;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The network-level reason under a connection error: a code such as ECONNREFUSED, else the innermost message. */
function causeOf(err: Error): string | undefined {
  let cause: unknown = err.cause;
  let innermost: string | undefined;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    innermost = cause.message;
    cause = cause.cause;
  }
  return innermost && innermost !== 'fetch failed' ? oneLine(innermost) : undefined;
}

function explainStatus(err: APIError, context: ErrorContext): Explained {
  const status = err.status!;
  const detail = oneLine(err.message.replace(/^\d{3}\s*/, ''));
  if (status === 401 && err.code === 'claude_code_not_logged_in') {
    return {
      message: `401: the bridge's Claude Code is not logged in: run \`claude login\` (or \`claude-code-bridge doctor\`) on the machine running the bridge`,
      exitCode: EXIT.auth,
    };
  }
  if (status === 401) {
    return {
      message: context.hasApiKey
        ? '401: the bridge refused the API key: check --api-key or BRIDGE_API_KEY'
        : '401: the bridge requires an API key: pass --api-key or set BRIDGE_API_KEY',
      exitCode: EXIT.auth,
    };
  }
  const code = err.code ? ` ${err.code}` : '';
  if (status === 403) return { message: `403${code}: ${detail}`, exitCode: EXIT.auth };
  if (status >= 400 && status < 500) return { message: `${status}${code}: ${detail}`, exitCode: EXIT.refused };
  return { message: `${status}${code}: the bridge could not answer: ${detail}`, exitCode: EXIT.failure };
}

/** Turn whatever a request threw into one line for stderr and an exit code. */
export function explainError(err: unknown, context: ErrorContext): Explained {
  if (err instanceof UsageError) return { message: err.message, exitCode: EXIT.usage };
  if (err instanceof APIUserAbortError) return { message: 'stopped', exitCode: EXIT.interrupted };
  if (err instanceof APIConnectionTimeoutError) {
    return { message: `the bridge at ${context.baseURL} did not answer in time`, exitCode: EXIT.unreachable };
  }
  if (err instanceof APIConnectionError) {
    const cause = causeOf(err);
    return {
      message: `cannot reach the bridge at ${context.baseURL}${cause ? ` (${cause})` : ''}: is it running? Start it with \`claude-code-bridge\`, or point --url (or BRIDGE_URL) at it`,
      exitCode: EXIT.unreachable,
    };
  }
  if (err instanceof APIError) {
    if (err.status !== undefined) return explainStatus(err, context);
    // An error frame inside a stream that had started: no HTTP status any more.
    const code = err.code ? ` (${err.code})` : '';
    return { message: `the answer broke off${code}: ${oneLine(err.message)}`, exitCode: EXIT.failure };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { message: `unexpected error: ${oneLine(message)}`, exitCode: EXIT.failure };
}
