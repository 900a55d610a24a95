import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { wireApp } from './app-wiring.js';
import { ClaudeRunner } from './claude/claude-runner.js';
import { inspectExecutable } from './claude/executable.js';
import type { ExecutableInfo } from './core/ports.js';
import { LoginTracker } from './claude/login-state.js';
import { LiveSessions } from './claude/live-sessions.js';
import { ModelCatalog } from './claude/model-catalog.js';
import { PrestartedSessions } from './claude/prestarted-sessions.js';
import { ProcessRegistry, type ProcessHandle } from './claude/process-registry.js';
import { defaultRecipe, sessionOptions } from './claude/run-options.js';
import { runtimeFingerprint } from './claude/runtime-fingerprint.js';
import { SparePool } from './claude/spare-pool.js';
import { ConversationPreamble } from './claude/conversation-preamble.js';
import { ModelRefusals } from './claude/extra-body.js';
import { Workspace } from './claude/workspace.js';
import type { Config } from './config.js';
import type { ConcurrencyLimiter } from './core/limiter.js';
import { UsageLimits } from './core/usage-limits.js';
import { BridgeError } from './errors/bridge-error.js';
import { ListenError, SettingUnusableError } from './errors/startup-errors.js';
import { loadPageAssets } from './http/page-assets.js';
import { silentLogger, type Logger } from './logger.js';
import type { ActivityLog } from './observe/activity.js';
import { SessionLog } from './observe/session-log.js';
import { openResponseStore } from './store/open-response-store.js';
import { BRIDGE_VERSION } from './version.js';
import { requireWritableFolder } from './writable-folder.js';

/** Check a folder a setting names; a problem stops the start-up, naming the setting. */
async function checkFolderSetting(dir: string, flag: string, env: string, create: boolean, mode?: number): Promise<void> {
  await requireWritableFolder(dir, { create, ...(mode === undefined ? {} : { mode }) }).catch((err: unknown) => {
    throw new SettingUnusableError(flag, env, (err as Error).message, { cause: err });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  catalog: ModelCatalog;
  limiter: ConcurrencyLimiter;
  activity: ActivityLog;
  login: LoginTracker;
  registry: ProcessRegistry;
  pool: SparePool;
  prestarted: PrestartedSessions;
  live: LiveSessions;
  runner: ClaudeRunner;
  usageLimits: UsageLimits;
  /** Where Claude Code runs and keeps the transcripts of the bridge's runs. */
  workspace: Workspace;
  /**
   * Stop accepting connections, give requests in flight up to the shutdown
   * grace period to finish, then end the rest (and their Claude Code
   * processes) and release everything.
   */
  close(): Promise<void>;
}

/**
 * What a connection may take before the server closes it: a client that
 * opens connections and sends nothing, or dribbles a request a byte at a
 * time, must not hold them for minutes. Node checks these once per
 * `connectionsCheckingInterval`, so that is a second. Idle keep-alive
 * connections are closed one second after the `Keep-Alive: timeout=5` the
 * server advertises (Node's own grace, so a client reusing one at the last
 * moment is not cut off).
 */
function connectionLimits(config: Config): http.ServerOptions {
  return { headersTimeout: config.headerTimeoutMs, requestTimeout: config.bodyTimeoutMs, connectionsCheckingInterval: 1_000 };
}

/** Connections refused past --max-connections: logged at once, then at most once a minute with a count. */
function dropLogger(logger: Logger, max: number): () => void {
  let dropped = 0;
  let lastLogged = 0;
  return () => {
    dropped++;
    if (Date.now() - lastLogged < 60_000) return;
    lastLogged = Date.now();
    logger.warn({ dropped, maxConnections: max }, 'refused connections beyond --max-connections');
    dropped = 0;
  };
}

/**
 * Wire the layers together and listen. Everything is built from `config`
 * here, so several servers can run in one process (the tests do).
 */
export async function startServer(config: Config, options: { logger?: Logger } = {}): Promise<RunningServer> {
  const logger = options.logger ?? silentLogger();
  // What a bad setting can make fail is checked and opened first, before any folder or process exists.
  // The work root is not created: a mistyped path should not leave folders around.
  await checkFolderSetting(config.workRoot, '--work-root', 'BRIDGE_WORK_ROOT', false);
  // The log folder is created, as the session log would create it: its user's alone (it holds prompts and answers).
  if (config.logDir) await checkFolderSetting(config.logDir, '--log-dir', 'BRIDGE_LOG_DIR', true, 0o700);
  const sessionLog = config.logDir ? await SessionLog.open({ dir: config.logDir, maxBytes: config.logMaxBytes }) : undefined;
  const responseStore = await openResponseStore(config).catch(async (err: unknown) => {
    await sessionLog?.close();
    throw err;
  });
  const registry = new ProcessRegistry();
  const workspace = new Workspace(config.workRoot, config.childEnv);
  try {
    workspace.prepare();
  } catch (err) {
    await sessionLog?.close();
    await responseStore.close();
    throw err;
  }
  // However the process ends, the transcripts and the working folder go with it.
  const removeWorkspace = () => workspace.removeAllNow();
  process.on('exit', removeWorkspace);
  const catalog = new ModelCatalog(config, logger, registry, workspace);
  const pool = new SparePool(
    {
      size: config.poolSize,
      idleMs: config.poolIdleMs,
      options: (process) => sessionOptions(config, registry, process, workspace),
      fingerprint: () => runtimeFingerprint(config),
    },
    registry,
    logger,
  );
  const shared = (process: ProcessHandle) => sessionOptions(config, registry, process, workspace);
  const prestarted = new PrestartedSessions(
    {
      budgetBytes: config.prestartMemoryBytes,
      idleMs: config.poolIdleMs,
      defaultRecipe: defaultRecipe(config, shared),
      fingerprint: () => runtimeFingerprint(config),
    },
    registry,
    logger,
  );
  pool.follow(prestarted);
  const login = new LoginTracker(config.childEnv);
  const live = new LiveSessions({ max: config.liveSessions, ttlMs: config.liveSessionTtlMs });
  const usageLimits = new UsageLimits();
  const runner = new ClaudeRunner({
    config,
    logger,
    registry,
    pool,
    prestarted,
    live,
    workspace,
    preamble: new ConversationPreamble(workspace.preambleFile),
    refusals: new ModelRefusals(),
    usageLimits,
    models: catalog,
  });
  let executable: Promise<ExecutableInfo> | undefined;
  const { app, service, limiter, activity, feed } = wireApp({
    config,
    logger,
    runner,
    catalog,
    login,
    registry,
    pool,
    prestarted,
    live,
    usageLimits,
    store: responseStore,
    sessionLog,
    pageAssets: await loadPageAssets(),
    executable: () => (executable ??= inspectExecutable(config.claudeExecutable)),
    version: BRIDGE_VERSION,
  });

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port, serverOptions: connectionLimits(config) }, () => resolve(s));
    s.once('error', (err) => reject(new ListenError(err)));
    s.maxConnections = config.maxConnections;
    s.on('drop', dropLogger(logger, config.maxConnections));
  }).catch(async (err: unknown) => {
    // Nothing has started yet (no spare, no model check): undo what was opened.
    await pool.close();
    await catalog.close();
    await sessionLog?.close();
    await responseStore.close();
    workspace.removeAllNow();
    process.off('exit', removeWorkspace);
    throw err;
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  pool.start();

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Open status pages' live streams end now; they are not requests to wait for.
    feed.close();
    // No new spares from here on (those starting are ended as they come up).
    const poolClosed = pool.close();
    // serve() listens with Node's HTTP/1 server, which can close its idle and its open connections.
    const connections = server instanceof http.Server ? server : undefined;
    connections?.closeIdleConnections();
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace'>((resolve) => (graceTimer = setTimeout(() => resolve('grace'), config.shutdownGraceMs)));
    const outcome = await Promise.race([activity.whenIdle().then(() => 'idle' as const), graceOver]);
    clearTimeout(graceTimer);
    if (outcome === 'grace') {
      logger.warn({ inFlight: activity.inFlightCount }, 'shutdown grace period over: ending the requests still running');
      service.abortAll(new BridgeError('overloaded', 'The bridge is shutting down.', { code: 'shutting_down' }));
      await Promise.race([activity.whenIdle(), new Promise((r) => setTimeout(r, 5_000))]);
    }
    // Requests are over, but their last bytes may still be on their way:
    // close each connection once it falls idle, and force the rest shortly after.
    const idleSweep = setInterval(() => connections?.closeIdleConnections(), 50);
    const forced = setTimeout(() => connections?.closeAllConnections(), 3_000);
    await closed;
    clearInterval(idleSweep);
    clearTimeout(forced);
    await poolClosed;
    live.close();
    await catalog.close();
    // Exit with no Claude Code process left behind.
    await registry.drain(5_000);
    workspace.removeAllNow();
    process.off('exit', removeWorkspace);
    await sessionLog?.close();
    await responseStore.close();
  };

  return {
    url: `http://${host}:${port}`,
    port,
    catalog,
    limiter,
    activity,
    login,
    registry,
    pool,
    prestarted,
    live,
    runner,
    usageLimits,
    workspace,
    close: () => (closing ??= close()),
  };
}
