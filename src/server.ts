import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { ClaudeRunner } from './claude/claude-runner.js';
import { inspectExecutable, type ExecutableInfo } from './claude/executable.js';
import { LoginTracker } from './claude/login-state.js';
import { ModelCatalog } from './claude/model-catalog.js';
import type { Config } from './config.js';
import { CompletionService } from './core/completion-service.js';
import { createApp } from './http/app.js';
import { silentLogger, type Logger } from './logger.js';
import { BRIDGE_VERSION } from './version.js';

export interface RunningServer {
  url: string;
  port: number;
  catalog: ModelCatalog;
  login: LoginTracker;
  close(): Promise<void>;
}

/**
 * Wire the layers together and listen. Everything is built from `config`
 * here, so several servers can run in one process (the tests do).
 */
export async function startServer(config: Config, options: { logger?: Logger } = {}): Promise<RunningServer> {
  const logger = options.logger ?? silentLogger();
  const catalog = new ModelCatalog(config, logger);
  const runner = new ClaudeRunner(config, logger);
  const login = new LoginTracker(config.childEnv);
  const service = new CompletionService({ catalog, runner, login, logger });
  let executable: Promise<ExecutableInfo> | undefined;
  const app = createApp({
    logger,
    catalog,
    chat: { service, logger, includeThinking: true },
    health: {
      executable: () => (executable ??= inspectExecutable(config.claudeExecutable)),
      login,
      catalog,
      version: BRIDGE_VERSION,
    },
  });

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  void catalog.refresh();

  return {
    url: `http://${host}:${port}`,
    port,
    catalog,
    login,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await catalog.close();
    },
  };
}
