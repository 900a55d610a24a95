import { inspectExecutable } from '../claude/executable.js';
import { SETTINGS, formatSetting, isLoopback, type Config, type SettingSpec } from '../config.js';
import type { RunningServer } from '../server.js';
import { describeLoginState } from '../core/login.js';

/** What the start-up banner says, one entry per line. */
export interface BannerFacts {
  version: string;
  url: string;
  /** The status page's address. */
  statusPage: string;
  auth: string;
  claudeCode: string;
  login: string;
  models: string;
  limits: string;
  warnings: string[];
}

export interface BannerOptions {
  /** How long to wait for Claude Code's model list before showing what is known. */
  catalogWaitMs: number;
  settings?: readonly SettingSpec[];
}

function hasValue(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== '' && value !== false;
}

/**
 * Auth is whatever the settings tagged 'auth' say: on when one has a value.
 * Until such a setting exists, the bridge checks no key and says so.
 */
function describeAuth(config: Config, settings: readonly SettingSpec[]): { text: string; on: boolean } {
  const auth = settings.filter((s) => s.banner === 'auth');
  const on = auth.some((s) => hasValue(config[s.key]));
  if (on) return { text: 'on: clients must send the API key', on };
  if (auth.length === 0) return { text: 'off: no API key is checked (clients may send any)', on };
  const how = auth.map((s) => `${s.flag} or ${s.env}`).join(', ');
  return { text: `off: no API key is checked (set ${how} to require one)`, on };
}

/** Settings tagged 'limit', as "name value", in table order. */
function describeLimits(config: Config, settings: readonly SettingSpec[]): string {
  const limits = settings.filter((s) => s.banner === 'limit');
  if (limits.length === 0) return 'none';
  return limits.map((s) => `${s.flag.slice(2)} ${formatSetting(s, config[s.key])}`).join(', ');
}

function describeModels(server: RunningServer): string {
  const snapshot = server.catalog.current();
  const names = snapshot.entries
    .map((e) => (e.resolvedId && e.resolvedId !== e.alias ? `${e.alias} (${e.resolvedId})` : e.alias))
    .join(', ');
  if (snapshot.source === 'claude-code') return names;
  const why = snapshot.error ? snapshot.error : 'Claude Code has not listed its models yet';
  return `${names} (the aliases only: ${why})`;
}

/** Collect the banner's facts; asks Claude Code for its model list and waits for it (bounded). */
export async function gatherBannerFacts(
  server: RunningServer,
  config: Config,
  version: string,
  options: BannerOptions,
): Promise<BannerFacts> {
  const settings = options.settings ?? SETTINGS;
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, options.catalogWaitMs);
    timer.unref();
  });
  const [executable] = await Promise.all([
    inspectExecutable(config.claudeExecutable),
    Promise.race([server.catalog.list(), waited]),
  ]);
  clearTimeout(timer);

  const auth = describeAuth(config, settings);
  const warnings: string[] = [];
  if (!auth.on && !isLoopback(config.host)) {
    warnings.push(
      `listening on ${config.host} without an API key: anyone who can reach port ${server.port} can use your Claude login`,
    );
  }
  const where = config.claudeExecutable ?? 'bundled';
  const claudeCode = executable.version
    ? `${executable.version} (${where})`
    : `not usable: ${executable.error ?? 'no version reported'}`;
  if (!executable.version) warnings.push('requests will fail until Claude Code can run: see `claude-code-bridge doctor`');

  return {
    version,
    url: `${server.url}/v1`,
    statusPage: `${server.url}/`,
    auth: auth.text,
    claudeCode,
    login: describeLoginState(server.login.state(server.catalog.current().account)),
    models: describeModels(server),
    limits: describeLimits(config, settings),
    warnings,
  };
}

/** The banner as text: a headline, aligned "label  value" lines, warnings last. */
export function renderBanner(facts: BannerFacts): string {
  const rows: Array<[string, string]> = [
    ['URL', facts.url],
    ['Status page', facts.statusPage],
    ['Auth', facts.auth],
    ['Claude Code', facts.claudeCode],
    ['Login', facts.login],
    ['Models', facts.models],
    ['Limits', facts.limits],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [`claude-code-bridge ${facts.version} is listening`];
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(width)}  ${value}`);
  for (const warning of facts.warnings) lines.push(`  Warning: ${warning}`);
  lines.push('Stop it with Ctrl-C.');
  return `${lines.join('\n')}\n`;
}
