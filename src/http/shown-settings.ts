import { DEFAULT_SYSTEM_PROMPT, SETTINGS, formatSetting, type Config, type SettingSpec } from '../config.js';
import type { ShownSetting } from '../status-api/status-api-types.js';

/**
 * How the status page shows each setting it shows, by setting key. The list
 * is an allow-list on purpose: a setting added later stays off the page until
 * someone decides it is safe to show. Keys, paths and prompt text are never
 * shown, only whether they are set.
 */
const SHOWN: { [K in keyof Config]?: 'value' | ((value: Config[K]) => string) } = {
  apiKeys: (v) => (v.length > 0 ? `on (${v.length} key${v.length === 1 ? '' : 's'})` : 'off'),
  corsOrigins: (v) => (v.length > 0 ? v.join(', ') : 'off'),
  allowedHosts: 'value',
  maxConcurrent: 'value',
  maxQueue: 'value',
  queueTimeoutMs: 'value',
  requestTimeoutMs: 'value',
  idleTimeoutMs: 'value',
  maxBodyBytes: 'value',
  maxConnections: 'value',
  upstreamRetries: 'value',
  poolSize: (v) => (v === 0 ? 'off' : String(v)),
  liveSessions: (v) => (v === 0 ? 'off' : String(v)),
  keepAliveMs: 'value',
  planLimitsOnly: 'value',
  reasoning: 'value',
  defaultSystemPrompt: (v) => (v === DEFAULT_SYSTEM_PROMPT ? 'the neutral default' : 'custom'),
  logDir: (v) => (v === undefined ? 'off' : 'on'),
};

/** A setting as the page shows it: its own words where the table says so, else the one formatter every view shares. */
function show<K extends keyof Config>(spec: SettingSpec, key: K, config: Config): string | undefined {
  const how = SHOWN[key] as 'value' | ((value: Config[K]) => string) | undefined;
  if (how === undefined) return undefined;
  return how === 'value' ? formatSetting(spec, config[key]) : how(config[key]);
}

/** The settings the page shows, in the settings table's order. */
export function shownSettings(config: Config, settings: readonly SettingSpec[] = SETTINGS): ShownSetting[] {
  return settings.flatMap((spec) => {
    const value = show(spec, spec.key, config);
    if (value === undefined) return [];
    return [{ flag: spec.flag, env: spec.env, value, description: spec.description }];
  });
}
