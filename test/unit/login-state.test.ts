import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loginFailureMessage, storedLoginExpiry } from '../../src/claude/login-state.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-login-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function storedLogin(name: string, expiresAt: number): Record<string, string> {
  const configDir = path.join(home, name);
  mkdirSync(configDir, { recursive: true });
  writeFileSync(path.join(configDir, '.credentials.json'), JSON.stringify({ claudeAiOauth: { accessToken: 'secret', refreshToken: 'secret', expiresAt } }));
  return { CLAUDE_CONFIG_DIR: configDir };
}

describe('what a 401 says happened', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');

  test('no login at all: says so, and how to log in', () => {
    const message = loginFailureMessage({ CLAUDE_CONFIG_DIR: path.join(home, 'none') }, 'no credentials', now);
    expect(message).toMatch(/^Claude Code has no login on this machine\. Run `claude login`/);
    expect(message).toContain('CLAUDE_CODE_OAUTH_TOKEN');
    expect(message).toMatch(/\(Claude's API said: no credentials\)$/);
  });

  test('a stored login that expired and was not refreshed: says when it expired', () => {
    const env = storedLogin('expired', now - 60_000);
    expect(storedLoginExpiry(env)).toBe(now - 60_000);
    const message = loginFailureMessage(env, 'OAuth token has expired', now);
    expect(message).toMatch(/^The stored Claude Code login \(from `claude login`\) expired at 2026-11-30T11:59:00\.000Z and Claude Code could not refresh it/);
    expect(message).toContain('Run `claude login` on this machine again');
    // The secret never appears in what the client is told.
    expect(message).not.toContain('secret');
  });

  test('a stored login still valid but refused: says it was refused, not that it expired', () => {
    const message = loginFailureMessage(storedLogin('refused', now + 3_600_000), 'invalid token', now);
    expect(message).toMatch(/^Claude refused the stored Claude Code login/);
    expect(message).not.toMatch(/expired/);
  });

  test('a refused API key or setup token: names the variable', () => {
    expect(loginFailureMessage({ ANTHROPIC_API_KEY: 'k' }, 'invalid x-api-key', now)).toMatch(/^Claude's API refused the API key in ANTHROPIC_API_KEY/);
    expect(loginFailureMessage({ CLAUDE_CODE_OAUTH_TOKEN: 't' }, 'expired', now)).toMatch(/^Claude's API refused the token in CLAUDE_CODE_OAUTH_TOKEN/);
  });
});
