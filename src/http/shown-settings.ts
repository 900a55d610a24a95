import { DEFAULT_SYSTEM_PROMPT, SETTINGS, type Config, type SettingSpec } from '../config.js';
import type { ShownSetting } from '../status-api/status-api-types.js';

/**
 * How the status page shows each setting it shows, by setting key. The list
 * is an allow-list on purpose: a setting added later stays off the page until
 * someone decides it is safe to show. Keys, paths and prompt text are never
 * shown, only whether they are set.
 */
const SHOWN: Record<string, (value: unknown) => string> = {
  apiKeys: (v) => ((v as string[]).length > 0 ? `on (${(v as string[]).length} key${(v as string[]).length === 1 ? '' : 's'})` : 'off'),
  corsOrigins: (v) => ((v as string[]).length > 0 ? (v as string[]).join(', ') : 'off'),
  allowedHosts: (v) => ((v as string[]).length > 0 ? (v as string[]).join(', ') : 'none'),
  maxConcurrent: String,
  maxQueue: String,
  queueTimeoutMs: secondsOf,
  requestTimeoutMs: secondsOf,
  idleTimeoutMs: secondsOf,
  maxBodyBytes: sizeOf,
  maxConnections: String,
  upstreamRetries: String,
  poolSize: (v) => (v === 0 ? 'off' : String(v)),
  liveSessions: (v) => (v === 0 ? 'off' : String(v)),
  keepAliveMs: secondsOf,
  planLimitsOnly: onOff,
  reasoning: onOff,
  defaultSystemPrompt: (v) => (v === DEFAULT_SYSTEM_PROMPT ? 'the neutral default' : 'custom'),
  logDir: (v) => (v === undefined ? 'off' : 'on'),
};

function secondsOf(value: unknown): string {
  return `${(value as number) / 1000} s`;
}

function onOff(value: unknown): string {
  return value ? 'on' : 'off';
}

function sizeOf(value: unknown): string {
  const bytes = value as number;
  if (bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** The settings the page shows, in the settings table's order. */
export function shownSettings(config: Config, settings: readonly SettingSpec[] = SETTINGS): ShownSetting[] {
  return settings.flatMap((spec) => {
    const show = SHOWN[spec.key];
    if (!show) return [];
    return [{ flag: spec.flag, env: spec.env, value: show(config[spec.key]), description: spec.description }];
  });
}
