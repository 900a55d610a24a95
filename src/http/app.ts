import { Hono } from 'hono';
import { BridgeError, toBridgeError } from '../errors/bridge-error.js';
import type { Logger } from '../logger.js';
import { errorResponse } from './error-response.js';
import { registerChatCompletions, type ChatRouteDeps } from './routes/chat-completions.js';
import { registerHealth, type HealthDeps } from './routes/health.js';
import { registerModels } from './routes/models.js';
import type { ModelCatalog } from '../claude/model-catalog.js';

export interface AppDeps {
  logger: Logger;
  chat: ChatRouteDeps;
  health: HealthDeps;
  catalog: ModelCatalog;
}

/** The HTTP surface: routes, and one error handler that shapes every failure. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  registerHealth(app, deps.health);
  registerModels(app, deps.catalog);
  registerChatCompletions(app, deps.chat);

  app.notFound((c) =>
    errorResponse(c, new BridgeError('not_found', `Unknown route: ${c.req.method} ${c.req.path}`, { code: 'unknown_route' })),
  );
  app.onError((err, c) => {
    const error = toBridgeError(err);
    if (error.status >= 500) deps.logger.error({ err, path: c.req.path }, error.message);
    return errorResponse(c, error);
  });
  return app;
}
