import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AccountSummary } from './model-catalog.js';

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

const HOW_TO_LOGIN =
  'Run `claude login` on this machine (the bridge uses the same login), or set CLAUDE_CODE_OAUTH_TOKEN (from `claude setup-token`) or ANTHROPIC_API_KEY before starting the bridge.';

/** Which credential Claude Code will use, judged from its environment (never reading the secret). */
export function loginMethod(env: Readonly<Record<string, string | undefined>>): LoginMethod {
  if (env.CLAUDE_CODE_USE_BEDROCK === '1' || env.CLAUDE_CODE_USE_VERTEX === '1' || env.CLAUDE_CODE_USE_FOUNDRY === '1') {
    return 'cloud_provider';
  }
  if (env.ANTHROPIC_API_KEY) return 'api_key';
  if (env.CLAUDE_CODE_OAUTH_TOKEN) return 'oauth_token';
  if (env.ANTHROPIC_AUTH_TOKEN) return 'auth_token';
  const configDir = env.CLAUDE_CONFIG_DIR || path.join(env.HOME || os.homedir(), '.claude');
  if (existsSync(path.join(configDir, '.credentials.json'))) return 'claude_login';
  // On macOS the login lives in the keychain, which cannot be seen from here.
  return process.platform === 'darwin' ? 'claude_login' : 'none';
}

/**
 * What is known of Claude Code's login: the method from the environment,
 * confirmed (or refuted) by the outcome of the latest request.
 */
export class LoginTracker {
  private lastOutcome: { ok: boolean; at: Date } | undefined;

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  recordSuccess(): void {
    this.lastOutcome = { ok: true, at: new Date() };
  }

  recordAuthFailure(): void {
    this.lastOutcome = { ok: false, at: new Date() };
  }

  state(account?: AccountSummary): LoginState {
    const method = loginMethod(this.env);
    const checkedAt = this.lastOutcome?.at.toISOString();
    if (this.lastOutcome?.ok) return { status: 'ok', method, hint: undefined, checkedAt };
    if (this.lastOutcome && !this.lastOutcome.ok) {
      return { status: 'failed', method, hint: `Claude refused the login. ${HOW_TO_LOGIN}`, checkedAt };
    }
    if (method === 'none' && account?.apiKeySource === 'none' && account.tokenSource === 'none') {
      return { status: 'missing', method, hint: `No login found. ${HOW_TO_LOGIN}`, checkedAt };
    }
    if (method === 'none') return { status: 'missing', method, hint: `No login found. ${HOW_TO_LOGIN}`, checkedAt };
    return { status: 'unknown', method, hint: 'Not confirmed yet: the first request will tell.', checkedAt };
  }
}
