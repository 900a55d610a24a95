import type { Hono } from 'hono';
import type { ClaudeRunner } from './claude/claude-runner.js';
import type { LiveSessions } from './claude/live-sessions.js';
import type { LoginTracker } from './claude/login-state.js';
import type { PrestartedSessions } from './claude/prestarted-sessions.js';
import type { ProcessRegistry } from './claude/process-registry.js';
import type { SparePool } from './claude/spare-pool.js';
import type { Config } from './config.js';
import { CompletionService } from './core/completion-service.js';
import { ConcurrencyLimiter } from './core/limiter.js';
import type { ExecutableInfo, ModelSource, Runner } from './core/ports.js';
import type { RequestObserver } from './core/request-trace.js';
import type { UsageLimits } from './core/usage-limits.js';
import { createApp } from './http/app.js';
import type { PageAssets } from './http/page-assets.js';
import type { Logger } from './logger.js';
import { ActivityLog } from './observe/activity.js';
import { Metrics } from './observe/metrics.js';
import { RequestDetails } from './observe/request-details.js';
import { StatusFeed } from './observe/status-feed.js';
import type { ResponseStore } from './store/response-store.js';

/**
 * What the HTTP app is built on: the parts that own processes, files or
 * sockets, made by whoever runs the app. The server gives it Claude Code's
 * runner and the configured store; the in-memory test tier gives it a runner
 * that replays recorded runs. Everything else is built in wireApp, once.
 */
export interface AppParts {
  config: Config;
  logger: Logger;
  runner: Runner & Pick<ClaudeRunner, 'origins'>;
  catalog: ModelSource;
  login: LoginTracker;
  registry: ProcessRegistry;
  pool: SparePool;
  prestarted: Pick<PrestartedSessions, 'stats'>;
  live: LiveSessions;
  usageLimits: UsageLimits;
  store: ResponseStore;
  /** The opt-in session log; with it on, the status page also keeps each request's details. */
  sessionLog: RequestObserver | undefined;
  pageAssets: PageAssets;
  executable: () => Promise<ExecutableInfo>;
  version: string;
}

/** The app, and what its owner needs to run and close it. */
export interface WiredApp {
  app: Hono;
  service: CompletionService;
  limiter: ConcurrencyLimiter;
  activity: ActivityLog;
  feed: StatusFeed;
}

/**
 * Build the completion pipeline, the observers and the HTTP app from their
 * parts. The one place the app is wired, so that the fast in-memory tests run
 * the same guards, limits and observers as the server: a guard added here
 * reaches both, and there is no second copy to forget it in.
 */
export function wireApp(parts: AppParts): WiredApp {
  const { config, logger, runner, catalog, login, usageLimits } = parts;
  const limiter = new ConcurrencyLimiter(config);
  const activity = new ActivityLog();
  const metrics = new Metrics({
    limiter,
    pool: parts.pool,
    prestarted: parts.prestarted,
    live: parts.live,
    runner,
    processes: parts.registry,
    usageLimits,
  });
  // The status page: full requests are kept for it only when the session log
  // is on (people opted in to keeping them); its live streams follow the feed.
  const details = parts.sessionLog ? new RequestDetails() : undefined;
  const feed = new StatusFeed();
  const observers: RequestObserver[] = [activity, metrics, ...(parts.sessionLog ? [parts.sessionLog] : []), ...(details ? [details] : []), feed];
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
  const routeDeps = { service, logger, includeThinking: config.reasoning, keepAliveMs: config.keepAliveMs };
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
    chat: routeDeps,
    messages: routeDeps,
    responses: { ...routeDeps, store: parts.store },
    health: { executable: parts.executable, login, usageLimits, catalog, version: parts.version },
    statusPage: {
      assets: parts.pageAssets,
      apiKeys: config.apiKeys,
      sources: {
        config,
        version: parts.version,
        startedAt: new Date(),
        executable: parts.executable,
        login,
        catalog,
        limiter,
        usageLimits,
        activity,
        pool: parts.pool,
        live: parts.live,
        processes: parts.registry,
        origins: runner.origins,
        feed,
        details,
      },
    },
  });
  return { app, service, limiter, activity, feed };
}
