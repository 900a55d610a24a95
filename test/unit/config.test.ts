import { describe, expect, test } from 'vitest';
import { ConfigError, buildChildEnv, resolveConfig } from '../../src/config.js';
import { bundledExecutablePath } from '../../src/claude/executable.js';
import { baseOptions, withoutTimedCollection } from '../../src/claude/sdk-environment.js';

describe('resolveConfig', () => {
  test('defaults', () => {
    const config = resolveConfig({}, {});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8000, verbose: false });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('flags beat the environment, which beats defaults', () => {
    expect(resolveConfig({ port: '9001' }, { PORT: '9000' }).port).toBe(9001);
    expect(resolveConfig({}, { PORT: '9000' }).port).toBe(9000);
    expect(resolveConfig({ verbose: true }, {}).verbose).toBe(true);
  });

  test('bad values are refused naming the setting', () => {
    expect(() => resolveConfig({}, { PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => resolveConfig({}, { PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => resolveConfig({ port: '70000' }, {})).toThrow(/--port/);
    expect(() => resolveConfig({}, { BRIDGE_VERBOSE: 'maybe' })).toThrow(/BRIDGE_VERBOSE/);
  });
});

describe('buildChildEnv', () => {
  test("passes the server's environment on, without the bridge's own settings", () => {
    const env = buildChildEnv({ PATH: '/bin', ANTHROPIC_API_KEY: 'k', CLAUDE_CONFIG_DIR: '/c', BRIDGE_API_KEY: 'secret', PORT: '1' });
    expect(env).toMatchObject({ PATH: '/bin', ANTHROPIC_API_KEY: 'k', CLAUDE_CONFIG_DIR: '/c', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' });
    expect(env.BRIDGE_API_KEY).toBeUndefined();
    expect(env.PORT).toBeUndefined();
  });

  test("ties Claude Code's life to the bridge's, unless the user chose otherwise", () => {
    expect(buildChildEnv({}).BUN_FEATURE_FLAG_NO_ORPHANS).toBe('1');
    expect(buildChildEnv({ BUN_FEATURE_FLAG_NO_ORPHANS: '0' }).BUN_FEATURE_FLAG_NO_ORPHANS).toBe('0');
  });

  test("leaves Bun's timed garbage collection on: a process that waits clears its garbage while the cores are idle", () => {
    expect(buildChildEnv({}).BUN_GC_TIMER_DISABLE).toBeUndefined();
  });

  test('a cold start runs without the timed collection, unless the user chose', () => {
    const env = buildChildEnv({ PATH: '/bin' });
    expect(withoutTimedCollection(env)).toEqual({ ...env, BUN_GC_TIMER_DISABLE: '1' });
    expect(env.BUN_GC_TIMER_DISABLE).toBeUndefined();
    expect(withoutTimedCollection(buildChildEnv({ BUN_GC_TIMER_DISABLE: '0' })).BUN_GC_TIMER_DISABLE).toBe('0');
  });

  test('every start names its executable, the bundled one too (left to the SDK, each start would stop the event loop to find it)', () => {
    const bundled = bundledExecutablePath();
    expect(bundled).toMatch(/claude-agent-sdk-[^/]+\/claude(\.exe)?$/);
    expect(baseOptions(resolveConfig({}, {}), '/tmp').pathToClaudeCodeExecutable).toBe(bundled);
    expect(baseOptions(resolveConfig({ claudeExecutable: '/opt/claude' }, {}), '/tmp').pathToClaudeCodeExecutable).toBe('/opt/claude');
  });

  test('keeps a user choice for non-essential traffic', () => {
    expect(buildChildEnv({ CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '0' }).CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC).toBe('0');
  });
});

describe('access and limit settings', () => {
  test('API keys and CORS origins are comma-separated lists', () => {
    const config = resolveConfig({}, { BRIDGE_API_KEY: 'a, b ,,c', BRIDGE_CORS_ORIGINS: 'https://x.example' });
    expect(config.apiKeys).toEqual(['a', 'b', 'c']);
    expect(config.corsOrigins).toEqual(['https://x.example']);
  });

  test('sizes accept units', () => {
    expect(resolveConfig({}, { BRIDGE_MAX_BODY: '32mb' }).maxBodyBytes).toBe(32 * 1024 * 1024);
    expect(resolveConfig({ maxBodyBytes: '512k' }, {}).maxBodyBytes).toBe(512 * 1024);
    expect(resolveConfig({}, { BRIDGE_MAX_BODY: '2048' }).maxBodyBytes).toBe(2048);
    expect(() => resolveConfig({}, { BRIDGE_MAX_BODY: 'lots' })).toThrow(/BRIDGE_MAX_BODY/);
  });

  test('timeouts are given in seconds', () => {
    const config = resolveConfig({}, { BRIDGE_IDLE_TIMEOUT: '5', BRIDGE_REQUEST_TIMEOUT: '60', BRIDGE_QUEUE_TIMEOUT: '2' });
    expect(config).toMatchObject({ idleTimeoutMs: 5000, requestTimeoutMs: 60_000, queueTimeoutMs: 2000 });
    expect(resolveConfig({}, { MAX_CONCURRENT: '7' }).maxConcurrent).toBe(7);
    expect(() => resolveConfig({}, { MAX_CONCURRENT: '0' })).toThrow(/MAX_CONCURRENT/);
  });

  test.each(['0.0.0.0', '::', '192.168.1.10', 'example.com'])('listening on %s without a key is refused', (host) => {
    expect(() => resolveConfig({ host }, {})).toThrow(/Refusing to listen/);
    expect(() => resolveConfig({ host }, {})).toThrow(/--allow-no-auth/);
    expect(resolveConfig({ host }, { BRIDGE_API_KEY: 'k' }).host).toBe(host);
    expect(resolveConfig({ host, allowNoAuth: true }, {}).host).toBe(host);
  });

  test.each(['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]'])('loopback %s needs no key', (host) => {
    expect(resolveConfig({ host }, {}).host).toBe(host);
  });
});

describe('--allowed-hosts', () => {
  test('host names, lower-cased, ports and a trailing dot left off; a leading dot or *. for subdomains; * for any', () => {
    const config = resolveConfig({}, { BRIDGE_ALLOWED_HOSTS: 'Bridge.Example.com:443, .tunnel.example., *.ngrok.example, *' });
    expect(config.allowedHosts).toEqual(['bridge.example.com', '.tunnel.example', '*.ngrok.example', '*']);
    expect(resolveConfig({}, {}).allowedHosts).toEqual([]);
  });

  test('anything that is not a host name is refused, naming the setting', () => {
    for (const raw of ['https://bridge.example.com', 'bridge.example.com/v1', 'a b', 'x.*.example.com', '**']) {
      expect(() => resolveConfig({ allowedHosts: raw }, {}), raw).toThrow(/--allowed-hosts: must be host names/);
    }
  });
});

describe('connection limits', () => {
  test('defaults, and a header timeout longer than the body timeout (which counts the headers) is refused', () => {
    expect(resolveConfig({}, {})).toMatchObject({ headerTimeoutMs: 10_000, bodyTimeoutMs: 60_000, maxConnections: 256 });
    expect(resolveConfig({ headerTimeoutMs: '5', bodyTimeoutMs: '5' }, {})).toMatchObject({ headerTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
    expect(() => resolveConfig({ headerTimeoutMs: '30' }, { BRIDGE_BODY_TIMEOUT: '20' })).toThrow(/--header-timeout: 30 s is longer than --body-timeout/);
    expect(() => resolveConfig({ maxConnections: '0' }, {})).toThrow(/--max-connections/);
  });
});

