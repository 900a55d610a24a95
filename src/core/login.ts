import type { BridgeError } from '../errors/bridge-error.js';
import type { AccountSummary } from './ports.js';

/**
 * The login Claude Code runs with, as the rest of the bridge sees it: the
 * kinds of credential, what is known of it, and its words. Kept by
 * claude/login-state.ts; the pipeline, /health, the status page and the
 * banner read it through LoginStatus.
 */

export type LoginMethod = 'api_key' | 'oauth_token' | 'auth_token' | 'claude_login' | 'cloud_provider' | 'none';

export interface LoginState {
  /** ok: a request succeeded; failed: the last request was refused for its login; unknown: not yet tried. */
  status: 'ok' | 'failed' | 'missing' | 'unknown';
  method: LoginMethod;
  /** What to do about it, when something is wrong or unknown. */
  hint: string | undefined;
  /** When status was last confirmed by a request (ISO time). */
  checkedAt: string | undefined;
}

/** What the pipeline and the status views need of the login's state. */
export interface LoginStatus {
  recordSuccess(): void;
  recordAuthFailure(): void;
  /** A login failure, told as what happened with this machine's login. */
  explain(error: BridgeError): BridgeError;
  state(account?: AccountSummary): LoginState;
}


/** Which credential Claude Code uses, in words (never the credential itself). */
export function describeLoginMethod(method: LoginMethod): string {
  switch (method) {
    case 'api_key':
      return 'API key from ANTHROPIC_API_KEY';
    case 'oauth_token':
      return 'token from CLAUDE_CODE_OAUTH_TOKEN';
    case 'auth_token':
      return 'token from ANTHROPIC_AUTH_TOKEN';
    case 'claude_login':
      return 'Claude Code login from `claude login`';
    case 'cloud_provider':
      return 'cloud provider (Bedrock, Vertex or Foundry)';
    case 'none':
      return 'no login found';
  }
}

/** The login line of the banner: method, and what is known of it so far. */
export function describeLoginState(state: LoginState): string {
  const method = describeLoginMethod(state.method);
  switch (state.status) {
    case 'ok':
      return `${method}, confirmed`;
    case 'failed':
      return `${method}, refused by Claude. ${state.hint ?? ''}`.trim();
    case 'missing':
      return state.hint ?? method;
    case 'unknown':
      return `${method}, not confirmed yet (the first request will tell; \`claude-code-bridge doctor\` checks it now)`;
  }
}
