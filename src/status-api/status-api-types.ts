/**
 * The JSON the status page's API (`/bridge/api/…`) answers with. The server
 * builds these and the page reads them, so this file imports nothing: the
 * page's own build (DOM, no Node) compiles it too.
 */

export interface StatusReport {
  bridge: { version: string; startedAt: string };
  claudeCode: { found: boolean; version: string | null; error: string | null };
  login: {
    status: 'ok' | 'failed' | 'missing' | 'unknown';
    /** Which kind of credential, in words (never the credential). */
    method: string;
    /** What to do about it, when something is wrong or not yet known. */
    hint: string | null;
    checkedAt: string | null;
  };
  models: {
    /** `claude-code`: asked of Claude Code; `fallback`: the aliases alone, until Claude Code answers. */
    source: 'claude-code' | 'fallback';
    error: string | null;
    entries: Array<{ alias: string; resolvedId: string | null; displayName: string; description: string }>;
  };
  auth: { required: boolean; keys: number };
  /** The settings that matter for using and sizing the bridge; never a key, path or prompt text. */
  settings: ShownSetting[];
  /** Whether full requests and answers are kept for the page (only with the session log on). */
  details: { kept: boolean; capacity: number };
}

export interface ShownSetting {
  flag: string;
  env: string;
  value: string;
  description: string;
}

export interface RunningRequest {
  id: string;
  endpoint: string;
  model: string | null;
  startedAt: string;
  /** Set once Claude's first output arrived. */
  ttftMs: number | null;
}

/** The account's usage limits as Claude Code last reported them (times in Unix seconds, as Anthropic gives them). */
export interface UsageLimitsJson {
  reportedAt: string;
  status: 'allowed' | 'allowed_warning' | 'rejected';
  limitingWindow: string | null;
  resetsAt: number | null;
  windows: Record<string, { utilization: number | null; resetsAt: number | null }>;
  extraUsage: { status: string | null; resetsAt: number | null; disabledReason: string | null; inUse: boolean };
}

/** GET /bridge/api/usage. */
export interface UsageReport {
  /** Null until a request has run with a subscription login (only those get usage-limit reports). */
  usageLimits: UsageLimitsJson | null;
  planLimitsOnly: boolean;
  /** With --plan-limits-only: whether requests are refused now because they would draw on extra usage. */
  refusing: boolean;
  /** Until when (ISO time); null when not refusing, or refusing until a restart (no reset time was given). */
  refusingUntil: string | null;
}

export interface ActivityReport {
  /** The server's clock when the report was made, so the page can tick elapsed times without clock skew. */
  now: string;
  running: RunningRequest[];
  runs: { active: number; queued: number; maxConcurrent: number; maxQueue: number };
  pool: { size: number; ready: number; warming: number; claimed: number; refused: number };
  live: { parked: number; max: number; reused: number };
  /** Claude Code processes alive, by what they are doing. */
  processes: Record<string, number>;
  /** Runs by where their Claude Code process came from: live session, warm spare or cold start. */
  origins: Record<string, number>;
  totals: { requests: number };
  /** The account's usage limits, once Claude Code has reported them. */
  usageLimits: UsageLimitsJson | null;
}

export interface RequestRow {
  id: string;
  startedAt: string;
  endpoint: string;
  /** The model asked for, and the one that answered. */
  model: string | null;
  answeredBy: string | null;
  stream: boolean;
  status: number;
  error: { code: string | null; message: string } | null;
  usage: { input: number; output: number; cacheRead: number; cacheWrite: number } | null;
  stopReason: string | null;
  ttftMs: number | null;
  durationMs: number;
  /** Whether GET /bridge/api/requests/{id} can show its request and answer (to the key asking). */
  hasDetails: boolean;
  /** Made with another of several API keys: its request and answer are that key's alone. */
  madeWithAnotherKey: boolean;
}

export interface RequestList {
  requests: RequestRow[];
  detailsKept: boolean;
}

export interface RequestDetail extends RequestRow {
  client: { address: string | null; userAgent: string | null };
  /** The request body as received, image data replaced by a note of its size. */
  request: unknown;
  answer: { text: string; toolCalls: Array<{ id: string; name: string; arguments: string }> } | null;
}

/** Events of GET /bridge/api/events (server-sent events, `event:` names these). */
export interface StatusEvents {
  /** The live figures: sent when the stream opens and whenever they change. */
  activity: ActivityReport;
  /** The recent requests: sent when the stream opens. */
  requests: RequestList;
  /** A request that just ended. */
  request: RequestRow;
}
