import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ClaudeRunner } from '../claude/claude-runner.js';
import type { LiveSessions } from '../claude/live-sessions.js';
import type { PrestartedSessions } from '../claude/prestarted-sessions.js';
import { residentBytes } from '../claude/process-memory.js';
import type { ProcessRegistry, ProcessRole } from '../claude/process-registry.js';
import type { SparePool } from '../claude/spare-pool.js';
import type { ConcurrencyLimiter } from '../core/limiter.js';
import type { UsageLimits } from '../core/usage-limits.js';
import type { RequestObserver, RequestRecord, RequestTrace } from '../core/request-trace.js';

export interface MetricsSources {
  limiter: ConcurrencyLimiter;
  pool: SparePool;
  prestarted: Pick<PrestartedSessions, 'stats'>;
  live: LiveSessions;
  runner: Pick<ClaudeRunner, 'origins'>;
  processes: ProcessRegistry;
  usageLimits: UsageLimits;
}

const LIMIT_STATES = ['allowed', 'allowed_warning', 'rejected'] as const;

/**
 * A Prometheus counter for a running total kept elsewhere (the pool's and the
 * runner's own tallies): at each scrape it goes up by what the total gained.
 */
function mirroredCounter(
  registers: Registry[],
  name: string,
  help: string,
  labelNames: string[],
  read: () => Array<[Record<string, string>, number]>,
): void {
  const seen = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames,
    registers,
    collect() {
      for (const [labels, total] of read()) {
        const key = JSON.stringify(labels);
        this.inc(labels, Math.max(0, total - (seen.get(key) ?? 0)));
        seen.set(key, total);
      }
    },
  });
}

/** Error codes that say Claude's API or Claude Code failed (as opposed to a bad request). */
const UPSTREAM_CODES = new Set([
  'claude_code_not_logged_in',
  'upstream_forbidden',
  'rate_limit_exceeded',
  'usage_limit_reached',
  'extra_usage_required',
  'extra_usage_exhausted',
  'long_context_requires_extra_usage',
  'credential_not_authorized',
  'upstream_overloaded',
  'upstream_error',
  'upstream_invalid_request',
  'billing_error',
  'upstream_request_too_large',
  'claude_code_failed',
  'claude_code_exited',
  'claude_code_error',
  'structured_output_failed',
]);

const ROLES: ProcessRole[] = ['spare', 'prestarted', 'run', 'session', 'catalog'];

/**
 * Prometheus metrics, on a registry of this server's own (no global state):
 * requests by route, status and model; time to first token and duration;
 * the queue, the runs, the warm pool and live sessions; upstream errors.
 */
export class Metrics implements RequestObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'status' | 'model'>;
  private readonly ttft: Histogram<'route'>;
  private readonly duration: Histogram<'route' | 'status'>;
  private readonly upstreamErrors: Counter<'code'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'bridge_' });
    this.requests = new Counter({
      name: 'bridge_requests_total',
      help: 'Requests answered, by route, HTTP status and model',
      labelNames: ['route', 'status', 'model'],
      registers,
    });
    const buckets = [0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13, 21, 34, 60, 120];
    this.ttft = new Histogram({
      name: 'bridge_time_to_first_token_seconds',
      help: "Time from a request's arrival to Claude's first output",
      labelNames: ['route'],
      buckets,
      registers,
    });
    this.duration = new Histogram({
      name: 'bridge_request_duration_seconds',
      help: 'Time from arrival to the last byte',
      labelNames: ['route', 'status'],
      buckets,
      registers,
    });
    this.upstreamErrors = new Counter({
      name: 'bridge_upstream_errors_total',
      help: 'Failures of Claude or Claude Code, by error code',
      labelNames: ['code'],
      registers,
    });
    new Gauge({
      name: 'bridge_queue_depth',
      help: 'Requests waiting for a free run slot',
      registers,
      collect() {
        this.set(sources.limiter.stats().queued);
      },
    });
    new Gauge({
      name: 'bridge_active_runs',
      help: 'Claude Code runs in progress',
      registers,
      collect() {
        this.set(sources.limiter.stats().active);
      },
    });
    new Gauge({
      name: 'bridge_pool_spares_ready',
      help: 'Warm Claude Code processes ready to be claimed',
      registers,
      collect() {
        this.set(sources.pool.stats().ready);
      },
    });
    mirroredCounter(registers, 'bridge_pool_spares_claimed_total', 'Warm spares claimed by a request', [], () => [[{}, sources.pool.stats().claimed]]);
    mirroredCounter(registers, 'bridge_pool_claims_refused_total', 'Claims a spare refused, the request then starting cold', [], () => [
      [{}, sources.pool.stats().refused],
    ]);
    new Gauge({
      name: 'bridge_prestarted_sessions_ready',
      help: 'Claude Code processes started ahead with the configuration of a recent new conversation, waiting for its first message',
      registers,
      collect() {
        this.set(sources.prestarted.stats().ready);
      },
    });
    new Gauge({
      name: 'bridge_live_sessions',
      help: "Conversations whose Claude Code process waits for their next turn",
      registers,
      collect() {
        this.set(sources.live.stats().parked);
      },
    });
    mirroredCounter(registers, 'bridge_runs_total', 'Runs by where their Claude Code process came from: live session, pre-started session, warm spare or cold start', ['origin'], () =>
      Object.entries(sources.runner.origins).map(([origin, count]) => [{ origin }, count]),
    );
    new Gauge({
      name: 'bridge_claude_processes',
      help: 'Claude Code processes alive, by what they are doing',
      labelNames: ['role'],
      registers,
      collect() {
        for (const role of ROLES) this.set({ role }, sources.processes.count(role));
      },
    });
    new Gauge({
      name: 'bridge_claude_process_resident_bytes',
      help: 'Resident memory of the Claude Code processes alive, by what they are doing (Linux only)',
      labelNames: ['role'],
      registers,
      collect() {
        const sums = new Map<ProcessRole, number>(ROLES.map((role) => [role, 0]));
        for (const entry of sources.processes.list()) sums.set(entry.role, (sums.get(entry.role) ?? 0) + (residentBytes(entry.pid) ?? 0));
        for (const [role, bytes] of sums) this.set({ role }, bytes);
      },
    });
    this.registerUsageLimits(registers, sources.usageLimits);
  }

  /** The account's usage limits: no samples until Claude Code has reported them (subscription logins only). */
  private registerUsageLimits(registers: Registry[], limits: UsageLimits): void {
    new Gauge({
      name: 'bridge_usage_limit_utilization_ratio',
      help: "Share of the Claude plan's usage window used (0 to 1), by window, as Claude Code last reported it",
      labelNames: ['window'],
      registers,
      collect() {
        this.reset();
        for (const [window, figures] of Object.entries(limits.current()?.windows ?? {})) {
          if (figures.utilization !== null) this.set({ window }, figures.utilization);
        }
      },
    });
    new Gauge({
      name: 'bridge_usage_limit_reset_timestamp_seconds',
      help: "When the Claude plan's usage window resets (Unix time), by window",
      labelNames: ['window'],
      registers,
      collect() {
        this.reset();
        for (const [window, figures] of Object.entries(limits.current()?.windows ?? {})) {
          if (figures.resetsAt !== null) this.set({ window }, figures.resetsAt);
        }
      },
    });
    new Gauge({
      name: 'bridge_usage_limit_state',
      help: 'The Claude plan limit state: 1 for the current one (allowed, allowed_warning, rejected)',
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        const report = limits.current();
        if (report) for (const state of LIMIT_STATES) this.set({ state }, report.status === state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'bridge_usage_extra_usage_in_use',
      help: 'Whether requests draw on paid extra usage (1) or on the plan (0)',
      registers,
      collect() {
        this.reset();
        const report = limits.current();
        if (report) this.set(report.extraUsage.inUse ? 1 : 0);
      },
    });
    new Gauge({
      name: 'bridge_usage_limit_reported_timestamp_seconds',
      help: 'When Claude Code last reported the usage limits (Unix time)',
      registers,
      collect() {
        this.reset();
        const report = limits.current();
        if (report) this.set(Date.parse(report.reportedAt) / 1000);
      },
    });
  }

  firstOutput(trace: RequestTrace, ttftMs: number): void {
    this.ttft.observe({ route: routeOf(trace.endpoint) }, ttftMs / 1000);
  }

  requestEnded(record: RequestRecord): void {
    const route = routeOf(record.endpoint);
    const status = String(record.error?.status ?? record.status);
    this.requests.inc({ route, status, model: record.answeredBy ?? record.model ?? 'none' });
    this.duration.observe({ route, status }, record.durationMs / 1000);
    if (record.error?.code && UPSTREAM_CODES.has(record.error.code)) this.upstreamErrors.inc({ code: record.error.code });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

const KNOWN_PATHS = ['/health', '/metrics', '/v1/models', '/v1/chat/completions', '/v1/messages', '/v1/messages/count_tokens', '/v1/responses'];

/** Bounded label values: "GET /v1/models/claude-x" → "GET /v1/models/{id}", unknown paths → "other". */
function routeOf(endpoint: string): string {
  const [method, path = ''] = endpoint.split(' ');
  const withId = /^\/v1\/(models|responses)\/.+$/.exec(path);
  if (withId) return `${method} /v1/${withId[1]}/{id}`;
  return KNOWN_PATHS.includes(path) ? endpoint : 'other';
}
