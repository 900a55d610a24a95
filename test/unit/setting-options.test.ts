import { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { addSettingOptions, settingFlags } from '../../src/cli/setting-options.js';
import { resolveConfig, SETTINGS, type SettingSpec } from '../../src/config.js';

function parse(argv: string[], settings: readonly SettingSpec[] = SETTINGS) {
  const command = addSettingOptions(new Command('test').exitOverride(), settings);
  command.parse(argv, { from: 'user' });
  return settingFlags(command.opts(), settings);
}

describe('settings as flags', () => {
  test('each setting is a flag; absent flags stay absent so the environment can apply', () => {
    expect(parse(['--port', '9001', '--claude-path', '/x/claude'])).toEqual({ port: '9001', claudeExecutable: '/x/claude' });
    expect(resolveConfig(parse([]), { PORT: '9000' }).port).toBe(9000);
    expect(resolveConfig(parse(['--port', '9001']), { PORT: '9000' }).port).toBe(9001);
  });

  test('a switch can be turned off on the command line against the environment', () => {
    expect(resolveConfig(parse([]), { BRIDGE_VERBOSE: '1' }).verbose).toBe(true);
    expect(resolveConfig(parse(['--no-verbose']), { BRIDGE_VERBOSE: '1' }).verbose).toBe(false);
    expect(resolveConfig(parse(['--verbose']), {}).verbose).toBe(true);
  });

  test('a setting added to the table gets its flag with no other code', () => {
    const added: SettingSpec = {
      key: 'workRoot',
      flag: '--some-new-setting',
      env: 'BRIDGE_SOME_NEW_SETTING',
      arg: '<dir>',
      description: 'A setting a later feature adds',
      parse: (raw) => raw,
      default: () => '/tmp',
      defaultLabel: 'none',
    };
    expect(parse(['--some-new-setting', '/tmp/x'], [added])).toEqual({ workRoot: '/tmp/x' });
    const help = addSettingOptions(new Command('test'), [added]).helpInformation();
    expect(help).toMatch(/--some-new-setting <dir>\s+A setting a later feature adds \(env\s+BRIDGE_SOME_NEW_SETTING; default none\)/);
  });
});
