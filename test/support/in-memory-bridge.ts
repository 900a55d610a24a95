import Anthropic from '@anthropic-ai/sdk';
import type { Hono } from 'hono';
import OpenAI from 'openai';
import { beforeAll, beforeEach } from 'vitest';
import { wireApp } from '../../src/app-wiring.js';
import { ModelCatalog } from '../../src/claude/model-catalog.js';
import { LiveSessions } from '../../src/claude/live-sessions.js';
import { LoginTracker } from '../../src/claude/login-state.js';
import { ProcessRegistry } from '../../src/claude/process-registry.js';
import { SparePool } from '../../src/claude/spare-pool.js';
import { Workspace } from '../../src/claude/workspace.js';
import { resolveConfig, type Config } from '../../src/config.js';
import type { ConcurrencyLimiter } from '../../src/core/limiter.js';
import type { RequestRecord } from '../../src/core/request-trace.js';
import { UsageLimits } from '../../src/core/usage-limits.js';
import type { PageAssets } from '../../src/http/page-assets.js';
import { silentLogger } from '../../src/logger.js';
import type { ActivityLog } from '../../src/observe/activity.js';
import { openResponseStore } from '../../src/store/open-response-store.js';
import { ReplayRunner } from './replay-runner.js';

export interface InMemoryBridge {
  app: Hono;
  config: Config;
  runner: ReplayRunner;
  limiter: ConcurrencyLimiter;
  activity: ActivityLog;
  usageLimits: UsageLimits;
  /** What the session log would have written, one record per request (with `sessionLog` on). */
  sessionLines: RequestRecord[];
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
  /** With the session log on (its lines kept in `sessionLines`), and so the status page's per-request details. */
  sessionLog?: boolean;
  /** Settings as values, past what a flag can say (e.g. a time limit under a second). */
  overrides?: Partial<Config>;
}

/** Where the official clients think the bridge is (the in-memory app answers whatever the URL). */
const BASE_URL = 'http://127.0.0.1:8000';

/** The official OpenAI and Anthropic clients, their requests going to the in-memory app. */
export function officialClients(bridge: InMemoryBridge, apiKey = 'unused'): { openai: OpenAI; anthropic: Anthropic } {
  const fetch = (url: string | URL | Request, init?: RequestInit) => bridge.request(String(url), init);
  return {
    openai: new OpenAI({ baseURL: `${BASE_URL}/v1`, apiKey, maxRetries: 0, fetch }),
    anthropic: new Anthropic({ baseURL: BASE_URL, apiKey, maxRetries: 0, fetch }),
  };
}

const NO_PAGE: PageAssets = { files: new Map(), missing: 'not built for the in-memory tests' };

/**
 * The bridge's HTTP app wired by the server's own wireApp (src/app-wiring.ts),
 * minus the socket and Claude Code: the completion pipeline, routes, middleware,
 * translators, store, metrics and status API are all the real ones, and runs
 * replay recorded Claude Code sequences (ReplayRunner). The model list is the
 * built-in one: the catalog is closed, so it never starts Claude Code to ask.
 * Nothing here opens a port or starts a process.
 */
export async function inMemoryBridge(options: InMemoryOptions = {}): Promise<InMemoryBridge> {
  const env = { HOME: '/nonexistent-home', ANTHROPIC_API_KEY: 'sk-ant-in-memory' };
  const config = resolveConfig({ port: '8000', workRoot: '/nonexistent-work-root', poolSize: '0', ...options.flags }, env, options.overrides);
  const logger = silentLogger();
  const registry = new ProcessRegistry();
  const workspace = new Workspace(config.workRoot, config.childEnv);
  const catalog = new ModelCatalog(config, logger, registry, workspace);
  await catalog.close();
  const usageLimits = new UsageLimits();
  const runner = new ReplayRunner({ upstreamRetries: config.upstreamRetries, usageLimits });
  const sessionLines: RequestRecord[] = [];
  // What differs from the server is only what must: the runner replays, and
  // nothing is started ahead (no spares, no pre-started sessions), since the
  // replayed runs need no process. The rest is wireApp, as the server calls it.
  const { app, limiter, activity } = wireApp({
    config,
    logger,
    runner,
    catalog,
    login: new LoginTracker(config.childEnv),
    registry,
    pool: new SparePool({ size: 0, idleMs: config.poolIdleMs, options: () => ({}), fingerprint: () => 'in-memory' }, registry, logger),
    prestarted: { stats: () => ({ budgetBytes: 0, ready: 0, warming: 0, known: 0, residentBytes: 0, taken: 0, evicted: 0 }) },
    live: new LiveSessions({ max: config.liveSessions, ttlMs: config.liveSessionTtlMs }),
    usageLimits,
    store: await openResponseStore(config),
    // The session log's lines, kept in memory instead of a file.
    sessionLog: options.sessionLog ? { requestEnded: (record) => void sessionLines.push(record) } : undefined,
    pageAssets: NO_PAGE,
    executable: async () => ({ path: '/in-memory/claude', found: true, version: '0.0.0 (replayed)', error: undefined }),
    version: 'in-memory',
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
    sessionLines,
    request,
    post: (path, body, headers = {}) =>
      request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  };
}

/** A stand-in that reaches the object `current` returns, once there is one (inside tests and hooks). */
function whenWired<T extends object>(current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const wired = current();
      if (!wired) throw new Error('the in-memory bridge is not wired yet (use it inside tests and hooks)');
      return wired[property as keyof T];
    },
  });
}

/**
 * The in-memory bridge for one test file, as `useStack` is for end-to-end
 * files: wired before its first test with the official clients pointed at it,
 * and what its runs replay reset before each test.
 */
export function useInMemoryBridge(options: InMemoryOptions = {}): { bridge: InMemoryBridge; openai: OpenAI; anthropic: Anthropic } {
  let wired: { bridge: InMemoryBridge; openai: OpenAI; anthropic: Anthropic } | undefined;
  beforeAll(async () => {
    const bridge = await inMemoryBridge(options);
    wired = { bridge, ...officialClients(bridge) };
  });
  beforeEach(() => wired?.bridge.runner.reset());
  return {
    bridge: whenWired(() => wired?.bridge),
    openai: whenWired(() => wired?.openai),
    anthropic: whenWired(() => wired?.anthropic),
  };
}
