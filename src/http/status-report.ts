import { describeLoginMethod, type LoginStatus } from '../core/login.js';
import type { ExecutableInfo, ModelSource } from '../core/ports.js';
import type { Config } from '../config.js';
import type { LimiterStats } from '../core/limiter.js';
import type { UsageLimits } from '../core/usage-limits.js';
import type { RequestRecord } from '../core/request-trace.js';
import type { ActivityLog, RequestSummary } from '../observe/activity.js';
import type { RequestDetails } from '../observe/request-details.js';
import type { StatusFeed } from '../observe/status-feed.js';
import { shownSettings } from './shown-settings.js';
import type { ActivityReport, RequestDetail, RequestList, RequestRow, StatusReport, UsageReport } from '../status-api/status-api-types.js';

/** Everything the status page reports on, as narrow views of the server's parts. */
export interface StatusSources {
  config: Config;
  version: string;
  startedAt: Date;
  executable: () => Promise<ExecutableInfo>;
  login: LoginStatus;
  catalog: ModelSource;
  limiter: { stats(): LimiterStats };
  usageLimits: UsageLimits;
  activity: ActivityLog;
  pool: { stats(): { size: number; ready: number; warming: number; claimed: number; refused: number } };
  live: { stats(): { parked: number; reused: number } };
  processes: { list(): Array<{ role: string }> };
  origins: Readonly<Record<string, number>>;
  feed: StatusFeed;
  /** Present only when the session log is on. */
  details: RequestDetails | undefined;
}

/** Recent requests the page lists at most. */
export const RECENT_LIMIT = 100;

export async function statusReport(sources: StatusSources): Promise<StatusReport> {
  const executable = await sources.executable();
  const snapshot = sources.catalog.current();
  const login = sources.login.state(snapshot.account);
  return {
    bridge: { version: sources.version, startedAt: sources.startedAt.toISOString() },
    claudeCode: { found: executable.found, version: executable.version ?? null, error: executable.error ?? null },
    login: {
      status: login.status,
      method: describeLoginMethod(login.method),
      hint: login.hint ?? null,
      checkedAt: login.checkedAt ?? null,
    },
    models: {
      source: snapshot.source,
      error: snapshot.error ?? null,
      entries: snapshot.entries.map((e) => ({
        alias: e.alias,
        resolvedId: e.resolvedId ?? null,
        displayName: e.displayName,
        description: e.description,
      })),
    },
    auth: { required: sources.config.apiKeys.length > 0, keys: sources.config.apiKeys.length },
    settings: shownSettings(sources.config),
    details: { kept: sources.details !== undefined, capacity: sources.details?.capacity ?? 0 },
  };
}

export function activityReport(sources: StatusSources): ActivityReport {
  const pool = sources.pool.stats();
  const live = sources.live.stats();
  const processes: Record<string, number> = {};
  for (const { role } of sources.processes.list()) processes[role] = (processes[role] ?? 0) + 1;
  return {
    now: new Date().toISOString(),
    running: sources.feed.runningRequests().map((r) => ({
      id: r.id,
      endpoint: r.endpoint,
      model: r.model ?? null,
      startedAt: r.startedAt.toISOString(),
      ttftMs: r.ttftMs ?? null,
    })),
    runs: sources.limiter.stats(),
    pool: { size: pool.size, ready: pool.ready, warming: pool.warming, claimed: pool.claimed, refused: pool.refused },
    live: { parked: live.parked, max: sources.config.liveSessions, reused: live.reused },
    processes,
    origins: { ...sources.origins },
    totals: { requests: sources.activity.totalCount },
    usageLimits: sources.usageLimits.current() ?? null,
  };
}

export function usageReport(sources: StatusSources): UsageReport {
  const until = sources.config.planLimitsOnly ? sources.usageLimits.extraUsageUntil() : undefined;
  return {
    usageLimits: sources.usageLimits.current() ?? null,
    planLimitsOnly: sources.config.planLimitsOnly,
    refusing: until !== undefined,
    refusingUntil: until === undefined || until === Infinity ? null : new Date(until).toISOString(),
  };
}

/** A request as `viewer` (the scope of the page's API key) sees it in the list. */
export function requestRow(summary: RequestSummary, details: RequestDetails | undefined, viewer: string): RequestRow {
  const usage = summary.usage;
  return {
    id: summary.id,
    startedAt: summary.startedAt,
    endpoint: summary.endpoint,
    model: summary.model ?? null,
    answeredBy: summary.answeredBy ?? null,
    stream: summary.stream,
    status: summary.error?.status ?? summary.status,
    error: summary.error ? { code: summary.error.code, message: summary.error.message } : null,
    usage: usage
      ? {
          input: usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens,
          output: usage.output_tokens,
          cacheRead: usage.cache_read_input_tokens,
          cacheWrite: usage.cache_creation_input_tokens,
        }
      : null,
    stopReason: summary.stopReason ?? null,
    ttftMs: summary.ttftMs ?? null,
    durationMs: summary.durationMs,
    hasDetails: details?.has(summary.id, viewer) ?? false,
    madeWithAnotherKey: summary.owner !== viewer,
  };
}

export function requestList(sources: StatusSources, viewer: string): RequestList {
  return {
    requests: sources.activity.recentRequests(RECENT_LIMIT).map((s) => requestRow(s, sources.details, viewer)),
    detailsKept: sources.details !== undefined,
  };
}

export function requestDetail(record: RequestRecord, details: RequestDetails | undefined, viewer: string): RequestDetail {
  const { request, answer, client, ...summary } = record;
  return {
    ...requestRow({ ...summary, client }, details, viewer),
    client: { address: client.address ?? null, userAgent: client.userAgent ?? null },
    request: request ?? null,
    answer: answer ? { text: answer.text, toolCalls: answer.toolCalls } : null,
  };
}
