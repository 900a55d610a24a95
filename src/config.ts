import os from 'node:os';
import path from 'node:path';

/**
 * Configuration is parsed once (flags > environment > defaults) into a frozen
 * object that is passed to everything that needs it; nothing reads
 * process.env later. Each setting is declared once, in SETTINGS, which also
 * drives `--help` and the README's configuration table.
 */
export interface Config {
  host: string;
  port: number;
  /** Default system prompt when a request has none. */
  defaultSystemPrompt: string;
  /** Path to the Claude Code executable; undefined means the SDK's bundled one. */
  claudeExecutable: string | undefined;
  /** How long the model list fetched from Claude Code is reused. */
  modelsCacheMs: number;
  /** Parent folder of the private per-run working directories. */
  workRoot: string;
  verbose: boolean;
  /** The environment Claude Code runs with (the server's own, minus the bridge's settings). */
  childEnv: Readonly<Record<string, string>>;
}

export const DEFAULT_SYSTEM_PROMPT =
  'You are Claude, a helpful AI assistant made by Anthropic. Answer the user directly and accurately.';

type Parser<T> = (raw: string) => T;

export interface SettingSpec {
  key: keyof Config;
  flag: string;
  env: string;
  /** Placeholder shown in help, e.g. "<port>"; absent for boolean switches. */
  arg?: string;
  description: string;
  /** Default as shown to people. */
  shownDefault: string;
  parse: Parser<unknown>;
  defaultValue: () => unknown;
  /**
   * Where the start-up banner shows this setting, if anywhere: 'limit' lists
   * it under Limits; 'auth' marks the setting whose value turns auth on.
   */
  banner?: 'limit' | 'auth';
  /** The value as the banner shows it (String(value) when absent). */
  showValue?: (value: unknown) => string;
}

class SettingError extends Error {}

const int =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new SettingError(`must be a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  };

const bool: Parser<boolean> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on', ''].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new SettingError(`must be true or false, got "${raw}"`);
};

const text: Parser<string> = (raw) => raw;

const nonEmpty: Parser<string> = (raw) => {
  if (raw.trim() === '') throw new SettingError('must not be empty');
  return raw;
};

const seconds = (min: number, max: number): Parser<number> => (raw) => int(min, max)(raw) * 1000;

export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'port',
    flag: '--port',
    env: 'PORT',
    arg: '<port>',
    description: 'TCP port to listen on (0 picks a free one)',
    shownDefault: '8000',
    parse: int(0, 65535),
    defaultValue: () => 8000,
  },
  {
    key: 'host',
    flag: '--host',
    env: 'HOST',
    arg: '<address>',
    description: 'Address to listen on',
    shownDefault: '127.0.0.1',
    parse: nonEmpty,
    defaultValue: () => '127.0.0.1',
  },
  {
    key: 'defaultSystemPrompt',
    flag: '--system-prompt',
    env: 'BRIDGE_SYSTEM_PROMPT',
    arg: '<text>',
    description: 'System prompt used when a request brings none',
    shownDefault: `"${DEFAULT_SYSTEM_PROMPT}"`,
    parse: nonEmpty,
    defaultValue: () => DEFAULT_SYSTEM_PROMPT,
  },
  {
    key: 'claudeExecutable',
    flag: '--claude-path',
    env: 'BRIDGE_CLAUDE_PATH',
    arg: '<path>',
    description: 'Claude Code executable to run instead of the one bundled with the SDK',
    shownDefault: 'bundled',
    parse: (raw) => path.resolve(nonEmpty(raw)),
    defaultValue: () => undefined,
  },
  {
    key: 'modelsCacheMs',
    flag: '--models-cache',
    env: 'BRIDGE_MODELS_CACHE',
    arg: '<seconds>',
    description: 'How long the model list asked from Claude Code is reused',
    shownDefault: '3600',
    parse: seconds(0, 86_400 * 7),
    defaultValue: () => 3_600_000,
  },
  {
    key: 'workRoot',
    flag: '--work-root',
    env: 'BRIDGE_WORK_ROOT',
    arg: '<dir>',
    description: 'Folder under which each run gets its own empty private working directory',
    shownDefault: 'the system temp folder',
    parse: (raw) => path.resolve(nonEmpty(raw)),
    defaultValue: () => os.tmpdir(),
  },
  {
    key: 'verbose',
    flag: '--verbose',
    env: 'BRIDGE_VERBOSE',
    description: 'Log every request on stderr (otherwise only warnings and errors)',
    shownDefault: 'false',
    parse: bool,
    defaultValue: () => false,
  },
];

/** Variables that configure the bridge itself; Claude Code does not need to see them. */
function isBridgeVariable(name: string): boolean {
  return name.startsWith('BRIDGE_') || SETTINGS.some((s) => s.env === name);
}

/**
 * Build the environment for Claude Code: the server's own (so the official
 * ANTHROPIC_* / CLAUDE_* variables work as users expect), without the
 * bridge's settings, and with traffic Claude Code does not need for
 * answering turned off unless the user chose otherwise.
 */
export function buildChildEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isBridgeVariable(name)) out[name] = value;
  }
  out.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC ??= '1';
  out.DISABLE_AUTOUPDATER ??= '1';
  return out;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Resolve every setting from already-parsed flag values (strings keyed by
 * setting key, or true for a bare boolean switch), the environment, and the
 * defaults, in that order of precedence.
 */
export function resolveConfig(
  flags: Readonly<Record<string, string | boolean | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
  overrides: Partial<Config> = {},
): Readonly<Config> {
  const values: Record<string, unknown> = {};
  for (const spec of SETTINGS) {
    const fromFlag = flags[spec.key];
    const fromEnv = env[spec.env];
    const raw = fromFlag !== undefined ? String(fromFlag === true ? 'true' : fromFlag) : fromEnv;
    if (raw === undefined) {
      values[spec.key] = spec.defaultValue();
      continue;
    }
    try {
      values[spec.key] = spec.parse(raw);
    } catch (err) {
      const source = fromFlag !== undefined ? spec.flag : spec.env;
      throw new ConfigError(`Invalid ${source}: ${(err as Error).message}`);
    }
  }
  values.childEnv = Object.freeze(buildChildEnv(env));
  return Object.freeze({ ...(values as unknown as Config), ...overrides });
}
