import type { Hono } from 'hono';
import { ModelCatalog } from '../../src/claude/model-catalog.js';
import { LiveSessions } from '../../src/claude/live-sessions.js';
import { LoginTracker } from '../../src/claude/login-state.js';
import { ProcessRegistry } from '../../src/claude/process-registry.js';
import { SparePool } from '../../src/claude/spare-pool.js';
import { Workspace } from '../../src/claude/workspace.js';
import { resolveConfig, type Config } from '../../src/config.js';
import { CompletionService } from '../../src/core/completion-service.js';
import { ConcurrencyLimiter } from '../../src/core/limiter.js';
import type { RequestObserver } from '../../src/core/request-trace.js';
import { UsageLimits } from '../../src/core/usage-limits.js';
import { createApp } from '../../src/http/app.js';
import type { PageAssets } from '../../src/http/page-assets.js';
import { silentLogger } from '../../src/logger.js';
import { ActivityLog } from '../../src/observe/activity.js';
import { Metrics } from '../../src/observe/metrics.js';
import { RequestDetails } from '../../src/observe/request-details.js';
import { StatusFeed } from '../../src/observe/status-feed.js';
import { MemoryResponseStore } from '../../src/store/memory-response-store.js';
import { ReplayRunner } from './replay-runner.js';

export interface InMemoryBridge {
  app: Hono;
  config: Config;
  runner: ReplayRunner;
  limiter: ConcurrencyLimiter;
  activity: ActivityLog;
  usageLimits: UsageLimits;
  login: LoginTracker;
  /**
   * One request through the whole HTTP stack, in this process. `path` may be
   * a full URL; the Host header defaults to the loopback name the server
   * would see. A string body goes as is; give a content type to send one.
   */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** POST a JSON body with `Content-Type: application/json`. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

export interface InMemoryOptions {
  /** Settings as flags (by setting key), e.g. { apiKeys: 'a,b' }. */
  flags?: Record<string, string>;
  /** The status page's per-request details, as with the session log on. */
  details?: boolean;
}

const NO_PAGE: PageAssets = { files: new Map(), missing: 'not built for the in-memory tests' };

/**
 * The bridge's HTTP app wired as the server wires it (src/server.ts), minus
 * the socket and Claude Code: the completion pipeline, routes, middleware,
 * translators, store, metrics and status API are all the real ones, and runs
 * replay recorded Claude Code sequences (ReplayRunner). The model list is the
 * built-in one: the catalog is closed, so it never starts Claude Code to ask.
 * Nothing here opens a port or starts a process.
 */
export async function inMemoryBridge(options: InMemoryOptions = {}): Promise<InMemoryBridge> {
  const env = { HOME: '/nonexistent-home', ANTHROPIC_API_KEY: 'sk-ant-in-memory' };
  const config = resolveConfig({ port: '8000', workRoot: '/nonexistent-work-root', poolSize: '0', ...options.flags }, env);
  const logger = silentLogger();
  const registry = new ProcessRegistry();
  const workspace = new Workspace(config.workRoot, config.childEnv);
  const catalog = new ModelCatalog(config, logger, registry, workspace);
  await catalog.close();
  const usageLimits = new UsageLimits();
  const runner = new ReplayRunner({ upstreamRetries: config.upstreamRetries, usageLimits });
  const pool = new SparePool({ size: 0, idleMs: config.poolIdleMs, options: () => ({}), fingerprint: () => 'in-memory' }, registry, logger);
  const live = new LiveSessions({ max: config.liveSessions, ttlMs: config.liveSessionTtlMs });
  const limiter = new ConcurrencyLimiter(config);
  const login = new LoginTracker(config.childEnv);
  const activity = new ActivityLog();
  // Nothing is started ahead in memory: the replayed runs need no process.
  const prestarted = {
    stats: () => ({ budgetBytes: 0, ready: 0, warming: 0, known: 0, residentBytes: 0, taken: 0, evicted: 0 }),
  };
  const metrics = new Metrics({ limiter, pool, prestarted, live, runner, processes: registry, usageLimits });
  const details = options.details ? new RequestDetails() : undefined;
  const feed = new StatusFeed();
  const observers: RequestObserver[] = [activity, metrics, ...(details ? [details] : []), feed];
  const service = new CompletionService({
    catalog,
    runner,
    login,
    limiter,
    logger,
    requestTimeoutMs: config.requestTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    usageLimits,
    planLimitsOnly: config.planLimitsOnly,
  });
  const store = new MemoryResponseStore({ ttlMs: config.responsesTtlMs, maxBytes: config.responsesMaxBytes });
  const executable = async () => ({ path: '/in-memory/claude', found: true, version: '0.0.0 (replayed)', error: undefined });
  const app = createApp({
    logger,
    catalog,
    observers,
    metrics,
    apiKeys: config.apiKeys,
    corsOrigins: config.corsOrigins,
    bindHost: config.host,
    allowedHosts: config.allowedHosts,
    maxBodyBytes: config.maxBodyBytes,
    chat: { service, logger, includeThinking: config.reasoning, keepAliveMs: config.keepAliveMs },
    messages: { service, logger, includeThinking: config.reasoning, keepAliveMs: config.keepAliveMs },
    responses: { service, store, logger, includeThinking: config.reasoning, keepAliveMs: config.keepAliveMs },
    health: { executable, login, usageLimits, catalog, version: 'in-memory' },
    statusPage: {
      assets: NO_PAGE,
      apiKeys: config.apiKeys,
      sources: {
        config,
        version: 'in-memory',
        startedAt: new Date(),
        executable,
        login,
        catalog,
        limiter,
        usageLimits,
        activity,
        pool,
        live,
        processes: registry,
        origins: runner.origins,
        feed,
        details,
      },
    },
  });
  const origin = `http://127.0.0.1:${config.port}`;
  const request = async (path: string, init: RequestInit = {}) => {
    const url = path.startsWith('http') ? path : `${origin}${path}`;
    const headers = new Headers(init.headers);
    if (!headers.has('host')) headers.set('host', new URL(url).host);
    return app.request(url, { ...init, headers });
  };
  return {
    app,
    config,
    runner,
    limiter,
    activity,
    usageLimits,
    login,
    request,
    post: (path, body, headers = {}) =>
      request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  };
}
