import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BridgeError } from '../errors/bridge-error.js';
import type { LoginMethod, LoginState, LoginStatus } from '../core/login.js';
import type { AccountSummary } from '../core/ports.js';
import { claudeConfigDir } from './workspace.js';

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
  if (existsSync(path.join(claudeConfigDir(env), '.credentials.json'))) return 'claude_login';
  // On macOS the login lives in the keychain, which cannot be seen from here.
  return process.platform === 'darwin' ? 'claude_login' : 'none';
}

/**
 * When the access token of the stored `claude login` expires (epoch ms), or
 * undefined when there is none or it cannot be read. Only the expiry time is
 * taken from the file; nothing else of it is kept.
 */
export function storedLoginExpiry(env: Readonly<Record<string, string | undefined>>): number | undefined {
  try {
    const stored = JSON.parse(readFileSync(path.join(claudeConfigDir(env), '.credentials.json'), 'utf8')) as {
      claudeAiOauth?: { expiresAt?: unknown };
    };
    const expiresAt = stored.claudeAiOauth?.expiresAt;
    return typeof expiresAt === 'number' ? expiresAt : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why Claude refused the login (or Claude Code found none), in words that
 * say what happened and what to do: no login at all, a stored login that
 * expired and could not be refreshed, or a credential that was refused.
 */
export function loginFailureMessage(env: Readonly<Record<string, string | undefined>>, upstream: string, now = Date.now()): string {
  const said = upstream ? ` (Claude's API said: ${upstream})` : '';
  switch (loginMethod(env)) {
    case 'none':
      return `Claude Code has no login on this machine. ${HOW_TO_LOGIN}${said}`;
    case 'claude_login': {
      const expiresAt = storedLoginExpiry(env);
      if (expiresAt !== undefined && expiresAt <= now) {
        return (
          `The stored Claude Code login (from \`claude login\`) expired at ${new Date(expiresAt).toISOString()} and Claude Code could not refresh it ` +
          "(it refreshes a login by itself when Anthropic's sign-in service answers, and keeps the login working otherwise). " +
          `Run \`claude login\` on this machine again, then retry.${said}`
        );
      }
      return `Claude refused the stored Claude Code login (from \`claude login\`): it may have been revoked or replaced. Run \`claude login\` on this machine again.${said}`;
    }
    case 'api_key':
      return `Claude's API refused the API key in ANTHROPIC_API_KEY. Check it, or unset it to use the \`claude login\` of this machine.${said}`;
    case 'oauth_token':
      return `Claude's API refused the token in CLAUDE_CODE_OAUTH_TOKEN: it may have expired or been revoked. Make a new one with \`claude setup-token\`.${said}`;
    default:
      return `Claude refused Claude Code's login. ${HOW_TO_LOGIN}${said}`;
  }
}

/**
 * What is known of Claude Code's login: the method from the environment,
 * confirmed (or refuted) by the outcome of the latest request.
 */
export class LoginTracker implements LoginStatus {
  private lastOutcome: { ok: boolean; at: Date } | undefined;

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  recordSuccess(): void {
    this.lastOutcome = { ok: true, at: new Date() };
  }

  recordAuthFailure(): void {
    this.lastOutcome = { ok: false, at: new Date() };
  }

  /** A login failure, told as what happened with this machine's login (see loginFailureMessage). */
  explain(error: BridgeError): BridgeError {
    const upstream = /\(Claude's API said: (.*)\)$/s.exec(error.message)?.[1] ?? '';
    return new BridgeError('authentication', loginFailureMessage(this.env, upstream), { code: error.code ?? 'claude_code_not_logged_in', cause: error });
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
