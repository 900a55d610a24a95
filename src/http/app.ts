import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { methodNotAllowed } from 'hono/method-not-allowed';
import type { ModelSource } from '../core/ports.js';
import type { RequestObserver } from '../core/request-trace.js';
import { BridgeError, toBridgeError } from '../errors/bridge-error.js';
import type { Logger } from '../logger.js';
import { errorResponse } from './error-response.js';
import { allowHosts } from './middleware/allow-hosts.js';
import { clientScope } from './middleware/client-scope.js';
import { guardJsonBody } from './middleware/guard-body.js';
import { RefusalLog } from './middleware/refusal-log.js';
import { refuseForeignOrigins } from './middleware/refuse-foreign-origins.js';
import { requireApiKey } from './middleware/require-api-key.js';
import { traceRequests } from './middleware/trace-requests.js';
import { registerAnthropicMessages, type MessagesRouteDeps } from './routes/anthropic-messages.js';
import { registerChatCompletions, type ChatRouteDeps } from './routes/chat-completions.js';
import { registerHealth, type HealthDeps } from './routes/health.js';
import { registerModels } from './routes/models.js';
import { registerStatusPage, type StatusPageDeps } from './routes/status-page.js';
import type { Metrics } from '../observe/metrics.js';
import { registerResponses, type ResponsesRouteDeps } from './routes/responses.js';

export interface AppDeps {
  metrics: Metrics;
  logger: Logger;
  chat: ChatRouteDeps;
  messages: MessagesRouteDeps;
  responses: ResponsesRouteDeps;
  health: HealthDeps;
  catalog: ModelSource;
  observers: readonly RequestObserver[];
  apiKeys: readonly string[];
  corsOrigins: readonly string[];
  /** The address the server listens on; a Host header naming it is this server. */
  bindHost: string;
  /** Further host names the bridge answers to (`--allowed-hosts`). */
  allowedHosts: readonly string[];
  maxBodyBytes: number;
  /** The status page at `/` and its API under /bridge/api; absent, there is no page. */
  statusPage?: StatusPageDeps;
}


/** Routes that pages of the origins in --cors-origins may call; the rest (the status page and its data) are for the bridge's own page. */
function isSharedRoute(path: string): boolean {
  return path.startsWith('/v1/') || path === '/health' || path === '/metrics';
}

/** The HTTP surface: middleware, routes, and one error handler that shapes every failure. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  // Before anything else, the status page included: a request a web page
  // sends through DNS rebinding or from a foreign origin runs nothing.
  const refusals = new RefusalLog(deps.logger);
  app.use('*', allowHosts({ bindHost: deps.bindHost, allowedHosts: deps.allowedHosts, refusals }));
  app.use(
    '*',
    refuseForeignOrigins({ corsOrigins: deps.corsOrigins, allowedHosts: deps.allowedHosts, ownPagesOnly: (path) => !isSharedRoute(path), refusals }),
  );
  // Whose stored responses and request details a request may see (the key is checked further on).
  app.use('*', clientScope(deps.apiKeys));
  // Next, so that the page's own calls are not traced as API requests.
  if (deps.statusPage) registerStatusPage(app, deps.statusPage);
  // Only API calls are activity; /health and /metrics are housekeeping, counted but not listed.
  const housekeeping: readonly RequestObserver[] = [deps.metrics];
  app.use('*', traceRequests((path) => (path.startsWith('/v1/') ? deps.observers : housekeeping), deps.logger));
  if (deps.corsOrigins.length > 0) {
    app.use(
      '*',
      cors({
        origin: deps.corsOrigins.includes('*') ? '*' : [...deps.corsOrigins],
        allowHeaders: ['Authorization', 'Content-Type', 'x-api-key', 'anthropic-version', 'anthropic-beta', 'OpenAI-Beta', 'x-stainless-*'],
        allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
        exposeHeaders: ['x-request-id', 'request-id', 'x-claude-code-bridge-ignored', 'x-claude-code-bridge-token-count', 'retry-after', 'x-should-retry', 'x-claude-code-bridge-upstream-request-id'],
        maxAge: 600,
      }),
    );
  }
  if (deps.apiKeys.length > 0) {
    app.use('/v1/*', requireApiKey(deps.apiKeys));
    app.use('/metrics', requireApiKey(deps.apiKeys));
  }
  // A path that exists answered with the wrong method is a 405 naming the methods it answers,
  // found from the routes themselves (HEAD, answered for every GET route, is left unnamed).
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        const allowed = methods.filter((method) => method !== 'HEAD');
        c.header('Allow', allowed.join(', '));
        return errorResponse(
          c,
          new BridgeError('method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(' or ')}.`, {
            code: 'method_not_allowed',
          }),
        );
      },
    }),
  );
  app.use('/v1/*', guardJsonBody(deps.maxBodyBytes));

  registerHealth(app, deps.health);
  app.get('/metrics', async (c) => c.body(await deps.metrics.render(), 200, { 'content-type': deps.metrics.contentType }));
  registerModels(app, deps.catalog);
  registerChatCompletions(app, deps.chat);
  registerAnthropicMessages(app, deps.messages);
  registerResponses(app, deps.responses);

  app.notFound((c) =>
    errorResponse(c, new BridgeError('not_found', `Unknown route: ${c.req.method} ${c.req.path}`, { code: 'unknown_route' })),
  );
  app.onError((err, c) => {
    const error = toBridgeError(err);
    c.get('trace')?.fail(error);
    if (error.status >= 500) deps.logger.error({ err, path: c.req.path }, error.message);
    return errorResponse(c, error);
  });
  return app;
}
