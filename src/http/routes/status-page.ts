import type { Context, Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { BridgeError } from '../../errors/bridge-error.js';
import { requireApiKey } from '../middleware/require-api-key.js';
import type { PageAssets } from '../page-assets.js';
import type { StatusSources } from '../status-report.js';
import { registerStatusApi, STATUS_API_PREFIX } from './status-api.js';

export interface StatusPageDeps {
  assets: PageAssets;
  sources: StatusSources;
  apiKeys: readonly string[];
}

export const PAGE_ASSET_PREFIX = '/bridge/ui';

/**
 * The page may load only its own files and talk only to its own server: no
 * inline script, no other origin, and it may not be framed by any site. No
 * Strict-Transport-Security: the bridge speaks plain HTTP on loopback.
 */
const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: 'DENY',
  strictTransportSecurity: false,
});

/** Small files that change with each version: always revalidated, by ETag. */
const CACHE_HEADERS = { 'Cache-Control': 'no-cache' };

function serveAsset(c: Context, assets: PageAssets, name: string): Response {
  if (assets.missing) throw new BridgeError('server', assets.missing, { code: 'status_page_not_built' });
  const file = assets.files.get(name);
  if (!file) throw new BridgeError('not_found', `Unknown route: ${c.req.method} ${c.req.path}`, { code: 'unknown_route' });
  const headers = { ...CACHE_HEADERS, ETag: file.etag, 'Content-Type': file.type };
  if (c.req.header('if-none-match') === file.etag) return c.body(null, 304, headers);
  return c.body(file.body as Uint8Array<ArrayBuffer>, 200, headers);
}

/**
 * The status page at `/`: its files (open: they hold no data) and its JSON
 * API under /bridge/api (behind the API key, like /v1). Registered before
 * the request tracing, so that the page's own calls are not counted as API
 * requests: they would fill the recent-requests list, the metrics and the
 * session log, and its live stream would count as a request in flight that
 * shutdown waits for.
 */
export function registerStatusPage(app: Hono, deps: StatusPageDeps): void {
  if (deps.apiKeys.length > 0) app.use(`${STATUS_API_PREFIX}/*`, requireApiKey(deps.apiKeys));
  app.get('/', pageHeaders, (c) => serveAsset(c, deps.assets, 'index.html'));
  app.get(`${PAGE_ASSET_PREFIX}/:file{.+}`, pageHeaders, (c) => serveAsset(c, deps.assets, c.req.param('file')));
  registerStatusApi(app, deps.sources);
}
