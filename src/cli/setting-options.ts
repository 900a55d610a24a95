import { Option, type Command } from 'commander';
import { SETTINGS, shownDefault, type SettingSpec } from '../config.js';

/**
 * Every setting in the table becomes a flag, with its environment variable
 * and default in the help line, so a setting added to SETTINGS needs nothing
 * here. Commander is given no defaults on purpose: an absent flag must stay
 * undefined so that resolveConfig can fall back to the environment.
 */
export function addSettingOptions(command: Command, settings: readonly SettingSpec[] = SETTINGS): Command {
  for (const spec of settings) {
    const flags = spec.arg ? `${spec.flag} ${spec.arg}` : spec.flag;
    command.addOption(new Option(flags, `${spec.description} (env ${spec.env}; default ${shownDefault(spec)})`));
    if (!spec.arg) {
      // A switch set to true in the environment can still be turned off for one start.
      command.addOption(new Option(`--no-${spec.flag.slice(2)}`, `Turn ${spec.flag} off, whatever ${spec.env} says`));
    }
  }
  return command;
}

/** Commander's attribute name for a flag: --claude-path → claudePath. */
function optionKey(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());
}

/** The parsed flag values keyed by setting key, as resolveConfig takes them. */
export function settingFlags(
  opts: Readonly<Record<string, unknown>>,
  settings: readonly SettingSpec[] = SETTINGS,
): Record<string, string | boolean | undefined> {
  const flags: Record<string, string | boolean | undefined> = {};
  for (const spec of settings) {
    const value = opts[optionKey(spec.flag)];
    if (typeof value === 'string' || typeof value === 'boolean') flags[spec.key] = value;
  }
  return flags;
}
