import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { BridgeError } from '../../errors/bridge-error.js';
import { errorResponse } from '../error-response.js';
import type { RefusalLog } from './refusal-log.js';

export interface AllowHostsOptions {
  /** The address the server listens on (`--host`). */
  bindHost: string;
  /** Further names (`--allowed-hosts`): `.example.com` the domain and its subdomains, `*.example.com` its subdomains, `*` any name. */
  allowedHosts: readonly string[];
  refusals: RefusalLog;
}

/** The name in a Host header, without its port: `[::1]:8000` → `::1`, `Localhost.:80` → `localhost`. */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(value);
  const name = bracketed ? bracketed[1]! : value.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

/**
 * Whether a Host names this bridge. An IP address always does: DNS
 * rebinding needs a domain name the attacker controls, and a page whose
 * origin is an address is served by whatever answers at that address.
 * `localhost` and its subdomains resolve to loopback in every browser.
 */
export function isAllowedHost(name: string, options: Pick<AllowHostsOptions, 'bindHost' | 'allowedHosts'>): boolean {
  if (isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === hostName(options.bindHost)) return true;
  return options.allowedHosts.includes('*') || isConfiguredName(name, options.allowedHosts);
}

/** Whether `name` is one the owner gave in --allowed-hosts by name or domain (`*` names nothing in particular). */
export function isConfiguredName(name: string, allowedHosts: readonly string[]): boolean {
  return allowedHosts.some((allowed) => {
    if (allowed === name) return true;
    if (allowed.startsWith('*.')) return name.endsWith(allowed.slice(1));
    return allowed.startsWith('.') && (name.endsWith(allowed) || name === allowed.slice(1));
  });
}

/**
 * Answer only requests whose Host header names this bridge. A web page can
 * make its own domain resolve to 127.0.0.1 (DNS rebinding): the browser then
 * sends it requests as that page's own, same-origin, and lets it read the
 * answers, so without this check any site could use the owner's Claude
 * login. A request without a Host header (HTTP/1.0) comes from no browser.
 */
export function allowHosts(options: AllowHostsOptions): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('host');
    if (header === undefined || isAllowedHost(hostName(header), options)) return next();
    const name = hostName(header);
    options.refusals.note('host', name);
    return errorResponse(
      c,
      new BridgeError(
        'permission',
        `This bridge does not answer to the host name ${JSON.stringify(name)}: it answers only to loopback names, IP addresses, ` +
          'its --host and the names in --allowed-hosts, so that a web page cannot reach it by making its own domain point at this machine (DNS rebinding). ' +
          `If you reach the bridge through a reverse proxy or tunnel under this name, start it with --allowed-hosts ${name} (or BRIDGE_ALLOWED_HOSTS=${name}).`,
        { code: 'host_not_allowed' },
      ),
    );
  };
}
