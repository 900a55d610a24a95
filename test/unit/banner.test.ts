import { describe, expect, test } from 'vitest';
import { gatherBannerFacts, renderBanner } from '../../src/cli/banner.js';
import { resolveConfig, SETTINGS, type SettingSpec } from '../../src/config.js';
import { FALLBACK_MODELS } from '../../src/core/model-names.js';
import { LoginTracker } from '../../src/claude/login-state.js';
import type { RunningServer } from '../../src/server.js';

/** Just what the banner reads of a running server. */
function fakeServer(env: Record<string, string>): RunningServer {
  const snapshot = { entries: FALLBACK_MODELS, fetchedAt: 0, account: undefined, source: 'fallback' as const, error: undefined };
  return {
    url: 'http://127.0.0.1:8123',
    port: 8123,
    catalog: { list: async () => snapshot, current: () => snapshot },
    login: new LoginTracker(env),
    close: async () => undefined,
  } as unknown as RunningServer;
}

const env = { ANTHROPIC_API_KEY: 'sk-secret-value' };
const base = { claudeExecutable: '/nonexistent/claude' };

describe('start-up banner', () => {
  test('says what a person needs to know, and no secret', async () => {
    const config = resolveConfig({ host: '127.0.0.1' }, env, base);
    const text = renderBanner(await gatherBannerFacts(fakeServer(env), config, '1.2.3', { catalogWaitMs: 100 }));
    expect(text).toMatch(/^claude-code-bridge 1\.2\.3 is listening/);
    expect(text).toContain('URL          http://127.0.0.1:8123/v1');
    expect(text).toContain('Status page  http://127.0.0.1:8123/');
    expect(text).toMatch(/Auth +off/);
    expect(text).toMatch(/Claude Code +not usable: The configured Claude Code executable \/nonexistent\/claude does not exist/);
    expect(text).toMatch(/Login +API key from ANTHROPIC_API_KEY, not confirmed yet/);
    expect(text).toMatch(/Models +default, opus, sonnet, haiku \(the aliases only/);
    expect(text).toMatch(/Limits +max-concurrent 3, max-queue 100, queue-timeout 60 s, request-timeout 600 s, idle-timeout 120 s, max-body 32 MB/);
    expect(text).not.toContain('sk-secret-value');
  });

  test('settings tagged in the table appear by themselves: limits listed, auth on when set', async () => {
    // A table whose only tags are stand-ins: the banner follows the tags, whatever the setting.
    const settings: SettingSpec[] = [
      ...SETTINGS.filter((s) => s.key !== 'modelsCacheMs' && s.key !== 'defaultSystemPrompt').map(({ banner: _banner, ...s }) => s),
      { ...SETTINGS.find((s) => s.key === 'modelsCacheMs')!, banner: 'limit' },
      { ...SETTINGS.find((s) => s.key === 'defaultSystemPrompt')!, banner: 'auth' },
    ];
    const config = resolveConfig({ modelsCacheMs: '60' }, env, base);
    const facts = await gatherBannerFacts(fakeServer(env), config, '1.2.3', { catalogWaitMs: 100, settings });
    expect(facts.limits).toBe('models-cache 60 s');
    expect(facts.auth).toMatch(/^on/);
  });

  test('warns when anyone on the network could use the login', async () => {
    const config = resolveConfig({ host: '0.0.0.0', allowNoAuth: true }, env, base);
    const facts = await gatherBannerFacts(fakeServer(env), config, '1.2.3', { catalogWaitMs: 100 });
    expect(facts.warnings.join('\n')).toMatch(/listening on 0\.0\.0\.0 without an API key/);
  });
});
