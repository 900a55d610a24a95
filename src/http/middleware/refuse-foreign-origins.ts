import type { MiddlewareHandler } from 'hono';
import { BridgeError } from '../../errors/bridge-error.js';
import { errorResponse } from '../error-response.js';
import { isConfiguredName } from './allow-hosts.js';
import type { RefusalLog } from './refusal-log.js';

export interface OriginOptions {
  /** `--cors-origins`: origins allowed to call the API (`*` any). */
  corsOrigins: readonly string[];
  /**
   * `--allowed-hosts`: a page served under one of these names is the
   * bridge's own, reached through a proxy that may pass the bridge another
   * Host (nginx sends `127.0.0.1:8000` by default).
   */
  allowedHosts: readonly string[];
  /** Paths only the bridge's own pages may call from a browser, whatever `corsOrigins` says. */
  ownPagesOnly: (path: string) => boolean;
  refusals: RefusalLog;
}

/** The host name of a browser origin, or undefined for `null` and anything else that is not an http(s) origin. */
function originHostName(origin: string): string | undefined {
  try {
    const page = new URL(origin);
    return page.protocol === 'http:' || page.protocol === 'https:' ? page.hostname : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the page at `origin` was served by the server this request reached (the same scheme-less host and port). */
export function isSameOrigin(origin: string, hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  try {
    const page = new URL(origin);
    if (page.protocol !== 'http:' && page.protocol !== 'https:') return false;
    // The Host header leaves out a default port, as URL.host does for the same scheme.
    return page.host === new URL(`${page.protocol}//${hostHeader.trim()}`).host;
  } catch {
    return false;
  }
}

/**
 * Refuse requests a browser sends on behalf of a page from an origin that
 * CORS does not allow, before anything runs. CORS alone only keeps such a
 * page from reading the answer: the request itself (a `no-cors` POST, for
 * instance) would still run and spend the owner's quota. Browsers send
 * `Origin` with every cross-origin request but simple GETs, and with
 * same-origin POSTs (the status page's playground), which are allowed;
 * other clients do not send it at all.
 */
export function refuseForeignOrigins(options: OriginOptions): MiddlewareHandler {
  const anyOrigin = options.corsOrigins.includes('*');
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin === undefined || isSameOrigin(origin, c.req.header('host'))) return next();
    const name = originHostName(origin);
    if (name !== undefined && isConfiguredName(name, options.allowedHosts)) return next();
    const ownPages = options.ownPagesOnly(c.req.path);
    if (!ownPages && (anyOrigin || options.corsOrigins.includes(origin))) return next();
    options.refusals.note('origin', origin);
    const message = ownPages
      ? `The status page's data answers the bridge's own page alone, not the web page at ${JSON.stringify(origin)} (--cors-origins does not extend to it).`
      : `The bridge refuses requests from the web page at ${JSON.stringify(origin)}: any web page can send requests to a server on your machine, ` +
        'and this bridge runs Claude with your login. To let pages from this origin use it, add the origin to --cors-origins (or BRIDGE_CORS_ORIGINS).';
    return errorResponse(c, new BridgeError('permission', message, { code: 'origin_not_allowed' }));
  };
}
