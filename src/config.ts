import os from 'node:os';
import path from 'node:path';

/**
 * Configuration is parsed once (flags > environment > defaults) into a frozen
 * object that is passed to everything that needs it; nothing reads
 * process.env later. Each setting is declared once, in SETTINGS, which also
 * drives `--help` and the configuration table in docs/configuration.md.
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
  /** Whether Claude's thinking is returned to clients (reasoning_content). */
  reasoning: boolean;
  /** Keys clients must present on /v1 routes; empty means no check. */
  apiKeys: readonly string[];
  /** Listen beyond loopback without an API key (an explicit opt-in). */
  allowNoAuth: boolean;
  /** Origins allowed to call the API from a browser; empty means CORS is off. */
  corsOrigins: readonly string[];
  /**
   * Host names the bridge answers to besides loopback names, IP addresses and
   * `host` (a reverse proxy's or tunnel's name); `.example.com` is the domain
   * and its subdomains, `*.example.com` its subdomains, `*` any name.
   */
  allowedHosts: readonly string[];
  maxConcurrent: number;
  maxQueue: number;
  queueTimeoutMs: number;
  /** Whole-request limit (queueing included). */
  requestTimeoutMs: number;
  /** Longest silence from Claude Code while a run is going. */
  idleTimeoutMs: number;
  maxBodyBytes: number;
  /** How long a client may take to send a request's headers (an idle new connection is closed then). */
  headerTimeoutMs: number;
  /** How long a client may take to send a whole request, body included. */
  bodyTimeoutMs: number;
  /** Open connections at most; beyond it new ones are closed at once. */
  maxConnections: number;
  /** How long in-flight requests may finish after SIGTERM/SIGINT. */
  shutdownGraceMs: number;
  /** Upstream retries Claude Code may make before the client is told. */
  upstreamRetries: number;
  /** Warm Claude Code processes kept ready (0 turns the pool off). */
  poolSize: number;
  /** A spare unused this long is let go. */
  poolIdleMs: number;
  /** Memory that processes started ahead for known configurations may hold together (0 turns them off). */
  prestartMemoryBytes: number;
  /** Conversations whose Claude Code process is kept for their next turn. */
  liveSessions: number;
  /** How long such a process waits for the next turn. */
  liveSessionTtlMs: number;
  /** Silence after which a streamed answer gets a keep-alive (and the longest a stream waits to start). */
  keepAliveMs: number;
  /** Refuse requests while the account's plan is used up and they would draw on extra usage. */
  planLimitsOnly: boolean;
  /** SQLite file for stored Responses API responses; undefined keeps them in memory. */
  responsesDb: string | undefined;
  /** How long a stored response is kept. */
  responsesTtlMs: number;
  /** Total size of stored responses beyond which the oldest are dropped. */
  responsesMaxBytes: number;
  /** Folder for the opt-in session log; undefined means no session log. */
  logDir: string | undefined;
  /** Size at which a session log file is rotated. */
  logMaxBytes: number;
  /** The environment Claude Code runs with (the server's own, minus the bridge's settings). */
  childEnv: Readonly<Record<string, string>>;
}

export const DEFAULT_SYSTEM_PROMPT =
  'You are Claude, a helpful AI assistant made by Anthropic. Answer the user directly and accurately.';

type Parser<T> = (raw: string) => T;

/** The settings of the table: every field of Config but the environment Claude Code gets. */
export type SettingKey = Exclude<keyof Config, 'childEnv'>;

/** One setting, typed by its key: its parser returns, and its default is, what Config holds there. */
export interface Setting<K extends SettingKey> {
  key: K;
  flag: string;
  env: string;
  /** Placeholder shown in help, e.g. "<port>"; absent for boolean switches. */
  arg?: string;
  description: string;
  parse: Parser<Config[K]>;
  /** The default, written once (a function when it depends on the machine, such as its temp folder). */
  default: Config[K] | (() => Config[K]);
  /** Shown instead of the default where the default is an absence or differs by machine. */
  defaultLabel?: string;
  /** What a number means, for people: milliseconds shown as seconds, or bytes shown in KB/MB/GB. */
  unit?: 'duration' | 'size';
  /**
   * Where the start-up banner shows this setting, if anywhere: 'limit' lists
   * it under Limits; 'auth' marks the setting whose value turns auth on.
   */
  banner?: 'limit' | 'auth';
}

/** Any one setting of the table (each entry is checked against its own key). */
export type SettingSpec = { [K in SettingKey]: Setting<K> }[SettingKey];

/** A duration as people read it in help, the banner and the status page: "60 s". */
export function formatDuration(ms: number): string {
  return `${ms / 1000} s`;
}

/** A size as people read it (and as the size settings accept it back): "32 MB", "512 KB". */
export function formatSize(bytes: number): string {
  if (bytes % (1024 * 1024 * 1024) === 0) return `${bytes / 1024 ** 3} GB`;
  if (bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** The one way a setting's value is shown to people: --help, the banner, the status page, docs/configuration.md. */
export function formatSetting(spec: SettingSpec, value: unknown): string {
  if (typeof value === 'number' && spec.unit === 'duration') return formatDuration(value);
  if (typeof value === 'number' && spec.unit === 'size') return formatSize(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : 'none';
  if (value === undefined) return 'none';
  return String(value);
}

/** A setting's default value. */
export function defaultOf<K extends SettingKey>(spec: Setting<K>): Config[K] {
  return typeof spec.default === 'function' ? (spec.default as () => Config[K])() : spec.default;
}

/** A setting's default as people read it, derived from the default itself unless a label says more. */
export function shownDefault(spec: SettingSpec): string {
  return spec.defaultLabel ?? formatSetting(spec, defaultOf(spec));
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

const nonEmpty: Parser<string> = (raw) => {
  if (raw.trim() === '') throw new SettingError('must not be empty');
  return raw;
};

const seconds = (min: number, max: number): Parser<number> => (raw) => int(min, max)(raw) * 1000;

const list: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** "bridge.example.com, .example.org, *.example.net": host names, lower-cased, any port left off (ports are not checked). */
const hostNames: Parser<string[]> = (raw) =>
  list(raw).map((item) => {
    const name = item.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    if (name !== '*' && !/^(?:\*\.|\.)?[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/.test(name)) {
      throw new SettingError(
        `must be host names such as bridge.example.com, .example.com (the domain and its subdomains) or *.example.com (its subdomains), or *, got "${item}"`,
      );
    }
    return name;
  });

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** "32mb", "512k", "1048576". */
const bytes: Parser<number> = (raw) => sizeOrZero(raw, 1024);

/** A size, or 0 where that turns something off. */
const sizeOrZero = (raw: string, least = 0): number => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || unit === undefined) throw new SettingError(`must be a size such as 32mb, 512kb or 1048576, got "${raw}"`);
  const value = Math.floor(Number(match[1]) * unit);
  if (value < least) throw new SettingError(`must be at least 1kb, got "${raw}"`);
  return value;
};

const TABLE = [
  {
    key: 'port',
    flag: '--port',
    env: 'PORT',
    arg: '<port>',
    description: 'TCP port to listen on (0 picks a free one)',
    parse: int(0, 65535),
    default: 8000,
  },
  {
    key: 'host',
    flag: '--host',
    env: 'HOST',
    arg: '<address>',
    description: 'Address to listen on',
    parse: nonEmpty,
    default: '127.0.0.1',
  },
  {
    key: 'defaultSystemPrompt',
    flag: '--system-prompt',
    env: 'BRIDGE_SYSTEM_PROMPT',
    arg: '<text>',
    description: 'System prompt used when a request brings none',
    parse: nonEmpty,
    default: DEFAULT_SYSTEM_PROMPT,
    defaultLabel: `"${DEFAULT_SYSTEM_PROMPT}"`,
  },
  {
    key: 'claudeExecutable',
    flag: '--claude-path',
    env: 'BRIDGE_CLAUDE_PATH',
    arg: '<path>',
    description: 'Claude Code executable to run instead of the one bundled with the SDK',
    parse: (raw) => path.resolve(nonEmpty(raw)),
    default: undefined,
    defaultLabel: 'bundled',
  },
  {
    key: 'modelsCacheMs',
    flag: '--models-cache',
    env: 'BRIDGE_MODELS_CACHE',
    arg: '<seconds>',
    description: 'How long the model list asked from Claude Code is reused',
    parse: seconds(0, 86_400 * 7),
    default: 3_600_000,
    unit: 'duration',
  },
  {
    key: 'workRoot',
    flag: '--work-root',
    env: 'BRIDGE_WORK_ROOT',
    arg: '<dir>',
    description: "Folder holding the bridge's one empty, read-only working folder for Claude Code (the same for every run)",
    parse: (raw) => path.resolve(nonEmpty(raw)),
    default: () => os.tmpdir(),
    defaultLabel: 'the system temp folder',
  },
  {
    key: 'reasoning',
    flag: '--reasoning',
    env: 'BRIDGE_REASONING',
    arg: '<on|off>',
    description: "Return Claude's thinking to clients as reasoning_content",
    parse: bool,
    default: true,
  },
  {
    key: 'apiKeys',
    flag: '--api-key',
    env: 'BRIDGE_API_KEY',
    arg: '<keys>',
    description: "API key(s) clients must send on /v1 routes, /metrics and the status page's data (comma-separated for several)",
    parse: list,
    default: [],
    defaultLabel: 'none: no check',
    banner: 'auth',
  },
  {
    key: 'allowNoAuth',
    flag: '--allow-no-auth',
    env: 'BRIDGE_ALLOW_NO_AUTH',
    description: 'Allow listening on a non-loopback address without an API key',
    parse: bool,
    default: false,
  },
  {
    key: 'corsOrigins',
    flag: '--cors-origins',
    env: 'BRIDGE_CORS_ORIGINS',
    arg: '<origins>',
    description: 'Browser origins allowed to call the API (comma-separated, or *)',
    parse: list,
    default: [],
    defaultLabel: 'none: CORS off',
  },
  {
    key: 'allowedHosts',
    flag: '--allowed-hosts',
    env: 'BRIDGE_ALLOWED_HOSTS',
    arg: '<names>',
    description:
      "Host names the bridge answers to besides loopback names, IP addresses and --host, such as a reverse proxy's or tunnel's (comma-separated; .example.com is the domain and its subdomains, *.example.com its subdomains, * any name)",
    parse: hostNames,
    default: [],
    defaultLabel: 'none',
  },
  {
    key: 'maxConcurrent',
    flag: '--max-concurrent',
    env: 'MAX_CONCURRENT',
    arg: '<n>',
    description: 'Claude Code runs at once; more requests wait in the queue',
    parse: int(1, 1000),
    default: 3,
    banner: 'limit',
  },
  {
    key: 'maxQueue',
    flag: '--max-queue',
    env: 'BRIDGE_MAX_QUEUE',
    arg: '<n>',
    description: 'Requests that may wait for a run; beyond it, 429 at once',
    parse: int(0, 100_000),
    default: 100,
    banner: 'limit',
  },
  {
    key: 'queueTimeoutMs',
    flag: '--queue-timeout',
    env: 'BRIDGE_QUEUE_TIMEOUT',
    arg: '<seconds>',
    description: 'Longest wait in the queue before 429',
    parse: seconds(1, 86_400),
    default: 60_000,
    unit: 'duration',
    banner: 'limit',
  },
  {
    key: 'requestTimeoutMs',
    flag: '--request-timeout',
    env: 'BRIDGE_REQUEST_TIMEOUT',
    arg: '<seconds>',
    description: 'Whole-request limit, queueing included, before 504',
    parse: seconds(1, 86_400),
    default: 600_000,
    unit: 'duration',
    banner: 'limit',
  },
  {
    key: 'idleTimeoutMs',
    flag: '--idle-timeout',
    env: 'BRIDGE_IDLE_TIMEOUT',
    arg: '<seconds>',
    description: 'Longest silence from Claude Code during a run before 504 (not counted while a streaming client is not reading)',
    parse: seconds(1, 86_400),
    default: 120_000,
    unit: 'duration',
    banner: 'limit',
  },
  {
    key: 'maxBodyBytes',
    flag: '--max-body',
    env: 'BRIDGE_MAX_BODY',
    arg: '<size>',
    description: 'Largest request body accepted (413 beyond)',
    parse: bytes,
    default: 32 * 1024 * 1024,
    unit: 'size',
    banner: 'limit',
  },
  {
    key: 'headerTimeoutMs',
    flag: '--header-timeout',
    env: 'BRIDGE_HEADER_TIMEOUT',
    arg: '<seconds>',
    description: "Time a client has to send a request's headers; a connection that sends none is closed after it",
    parse: seconds(1, 3_600),
    default: 10_000,
    unit: 'duration',
  },
  {
    key: 'bodyTimeoutMs',
    flag: '--body-timeout',
    env: 'BRIDGE_BODY_TIMEOUT',
    arg: '<seconds>',
    description: 'Time a client has to send a whole request, body included (408 and the connection closed beyond)',
    parse: seconds(1, 86_400),
    default: 60_000,
    unit: 'duration',
  },
  {
    key: 'maxConnections',
    flag: '--max-connections',
    env: 'BRIDGE_MAX_CONNECTIONS',
    arg: '<n>',
    description: 'Open client connections at most; a new one beyond it is closed at once',
    parse: int(1, 100_000),
    default: 256,
  },
  {
    key: 'shutdownGraceMs',
    flag: '--shutdown-grace',
    env: 'BRIDGE_SHUTDOWN_GRACE',
    arg: '<seconds>',
    description: 'Time in-flight requests get to finish after SIGTERM/SIGINT',
    parse: seconds(0, 3_600),
    default: 30_000,
    unit: 'duration',
  },
  {
    key: 'upstreamRetries',
    flag: '--upstream-retries',
    env: 'BRIDGE_UPSTREAM_RETRIES',
    arg: '<n>',
    description: "Retries Claude Code may make on a failed call to Claude's API before the client gets the error",
    parse: int(0, 10),
    default: 0,
  },
  {
    key: 'poolSize',
    flag: '--pool-size',
    env: 'BRIDGE_POOL_SIZE',
    arg: '<n>',
    description: 'Warm Claude Code processes kept ready for new conversations (0 turns the pool off; each holds about 250 MB)',
    parse: int(0, 16),
    default: 1,
    banner: 'limit',
  },
  {
    key: 'poolIdleMs',
    flag: '--pool-idle-timeout',
    env: 'BRIDGE_POOL_IDLE_TIMEOUT',
    arg: '<seconds>',
    description: 'A warm process unused this long is let go (a new one starts with the next request)',
    parse: seconds(10, 86_400),
    default: 1_800_000,
    unit: 'duration',
  },
  {
    key: 'prestartMemoryBytes',
    flag: '--prestart-memory',
    env: 'BRIDGE_PRESTART_MEMORY',
    arg: '<size>',
    description:
      'Memory for Claude Code processes started ahead, each with a configuration seen in recent traffic (system prompt, tools, model…), the default one first; 0 turns this off',
    parse: (raw) => sizeOrZero(raw),
    default: 1024 ** 3,
    unit: 'size',
    banner: 'limit',
  },
  {
    key: 'liveSessions',
    flag: '--live-sessions',
    env: 'BRIDGE_LIVE_SESSIONS',
    arg: '<n>',
    description: "Conversations whose Claude Code process is kept for their next turn (0 turns this off; each holds about 250 MB)",
    parse: int(0, 64),
    default: 3,
    banner: 'limit',
  },
  {
    key: 'liveSessionTtlMs',
    flag: '--live-session-ttl',
    env: 'BRIDGE_LIVE_SESSION_TTL',
    arg: '<seconds>',
    description: "How long a conversation's process waits for its next turn",
    parse: seconds(1, 86_400),
    default: 300_000,
    unit: 'duration',
  },
  {
    key: 'keepAliveMs',
    flag: '--keep-alive',
    env: 'BRIDGE_KEEP_ALIVE',
    arg: '<seconds>',
    description:
      'Silence after which a streamed answer gets a keep-alive (an SSE comment; a ping event on /v1/messages); a stream also starts after this long without a first token',
    parse: seconds(1, 3_600),
    default: 15_000,
    unit: 'duration',
  },
  {
    key: 'planLimitsOnly',
    flag: '--plan-limits-only',
    env: 'BRIDGE_PLAN_LIMITS_ONLY',
    description: "Refuse requests (429) while Claude Code reports that your plan's limit is used up and they would draw on paid extra usage",
    parse: bool,
    default: false,
  },
  {
    key: 'responsesDb',
    flag: '--responses-db',
    env: 'BRIDGE_RESPONSES_DB',
    arg: '<file>',
    description: 'SQLite file that keeps stored /v1/responses answers across restarts (needs better-sqlite3)',
    parse: (raw) => path.resolve(nonEmpty(raw)),
    default: undefined,
    defaultLabel: 'none: kept in memory',
  },
  {
    key: 'responsesTtlMs',
    flag: '--responses-ttl',
    env: 'BRIDGE_RESPONSES_TTL',
    arg: '<seconds>',
    description: 'How long a stored /v1/responses answer can be fetched or continued',
    parse: seconds(1, 86_400 * 366),
    default: 86_400_000,
    unit: 'duration',
  },
  {
    key: 'responsesMaxBytes',
    flag: '--responses-max-size',
    env: 'BRIDGE_RESPONSES_MAX_SIZE',
    arg: '<size>',
    description: 'Total size of stored /v1/responses answers; beyond it the oldest are dropped',
    parse: bytes,
    default: 100 * 1024 * 1024,
    unit: 'size',
  },
  {
    key: 'logDir',
    flag: '--log-dir',
    env: 'BRIDGE_LOG_DIR',
    arg: '<dir>',
    description: 'Write a session log (one JSON line per request) into this folder',
    parse: (raw) => path.resolve(nonEmpty(raw)),
    default: undefined,
    defaultLabel: 'none: no session log',
  },
  {
    key: 'logMaxBytes',
    flag: '--log-max-size',
    env: 'BRIDGE_LOG_MAX_SIZE',
    arg: '<size>',
    description: 'Session log file size at which a new file is started (files also start daily)',
    parse: bytes,
    default: 50 * 1024 * 1024,
    unit: 'size',
  },
  {
    key: 'verbose',
    flag: '--verbose',
    env: 'BRIDGE_VERBOSE',
    description: 'Log every request on stderr (otherwise only warnings and errors)',
    parse: bool,
    default: false,
  },
] as const satisfies readonly SettingSpec[];

/** Every setting has its entry: a key left out of the table fails to compile here. */
const everySettingListed: Exclude<SettingKey, (typeof TABLE)[number]['key']> extends never ? true : never = true;
void everySettingListed;

/**
 * The one table that drives the flags and `--help`, the environment
 * variables, the banner, the status page and docs/configuration.md.
 */
export const SETTINGS: readonly SettingSpec[] = TABLE;

/** Variables that configure the bridge itself; Claude Code does not need to see them. */
function isBridgeVariable(name: string): boolean {
  return name.startsWith('BRIDGE_') || SETTINGS.some((s) => s.env === name);
}

/**
 * Build the environment for Claude Code: the server's own (so the official
 * ANTHROPIC_* / CLAUDE_* variables work as users expect), without the
 * bridge's settings, with traffic Claude Code does not need for answering
 * turned off, and tied to the bridge's life, unless the user chose otherwise.
 */
export function buildChildEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isBridgeVariable(name)) out[name] = value;
  }
  out.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC ??= '1';
  out.DISABLE_AUTOUPDATER ??= '1';
  // Claude Code's runtime (Bun) then ends itself the moment the bridge dies,
  // even by SIGKILL, instead of finishing a billed answer nobody will read
  // (on stdin's end it only stops after the turn in progress).
  out.BUN_FEATURE_FLAG_NO_ORPHANS ??= '1';
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
  const values: Partial<Pick<Config, SettingKey>> = {};
  for (const spec of SETTINGS) assign(values, spec, flags, env);
  if (!isComplete(values)) throw new Error('the settings table does not cover every setting');
  const config: Readonly<Config> = Object.freeze({ ...values, childEnv: Object.freeze(buildChildEnv(env)), ...overrides });
  refuseUnsafeExposure(config);
  if (config.headerTimeoutMs > config.bodyTimeoutMs) {
    throw new ConfigError(
      `Invalid --header-timeout: ${config.headerTimeoutMs / 1000} s is longer than --body-timeout (${config.bodyTimeoutMs / 1000} s), which counts the headers too.`,
    );
  }
  return config;
}

/** One setting's value: its flag, else its environment variable, else its default. */
function assign<K extends SettingKey>(
  values: Partial<Pick<Config, SettingKey>>,
  spec: Setting<K>,
  flags: Readonly<Record<string, string | boolean | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
): void {
  const fromFlag = flags[spec.key];
  const fromEnv = env[spec.env];
  const raw = fromFlag !== undefined ? String(fromFlag === true ? 'true' : fromFlag) : fromEnv;
  if (raw === undefined) {
    values[spec.key] = defaultOf(spec);
    return;
  }
  try {
    values[spec.key] = spec.parse(raw);
  } catch (err) {
    const source = fromFlag !== undefined ? spec.flag : spec.env;
    throw new ConfigError(`Invalid ${source}: ${(err as Error).message}`);
  }
}

function isComplete(values: Partial<Pick<Config, SettingKey>>): values is Pick<Config, SettingKey> {
  return SETTINGS.every((spec) => spec.key in values);
}

/** Loopback addresses: reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * The bridge runs Claude with the owner's login: anyone who reaches it
 * spends that account. Listening beyond loopback therefore needs an API key,
 * or an explicit opt-in for networks the owner trusts.
 */
function refuseUnsafeExposure(config: Config): void {
  if (isLoopback(config.host) || config.apiKeys.length > 0 || config.allowNoAuth) return;
  throw new ConfigError(
    `Refusing to listen on ${config.host} without an API key: anyone who can reach it could use your Claude login. ` +
      'Set BRIDGE_API_KEY (or --api-key), listen on 127.0.0.1, or pass --allow-no-auth (BRIDGE_ALLOW_NO_AUTH=1) if this network is trusted.',
  );
}
