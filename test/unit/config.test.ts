import { describe, expect, test } from 'vitest';
import { ConfigError, buildChildEnv, resolveConfig } from '../../src/config.js';

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

  test('keeps a user choice for non-essential traffic', () => {
    expect(buildChildEnv({ CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '0' }).CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC).toBe('0');
  });
});
