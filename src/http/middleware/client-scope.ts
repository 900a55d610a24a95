import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { presentedKey } from './require-api-key.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** Whose stored responses and request details this request may see: '' (shared) or a hash of its API key. */
    clientScope: string;
  }
}

/** What every client shares when the bridge has one API key or none. */
export const SHARED_SCOPE = '';

/**
 * The owner recorded for what a key stores: a hash of the key, never the
 * key itself (stored responses may live in a file).
 */
export function scopeOfKey(key: string): string {
  return createHash('sha256').update(`claude-code-bridge owner\0${key}`).digest('hex');
}

/**
 * With several API keys, each key is its own client: what one stores
 * (responses, the request details the status page shows) is not another's.
 * With one key or none, every client is the same client and shares them,
 * so a key can be changed without losing what was stored. The key is
 * checked elsewhere; a request without a valid one never gets this far
 * where it matters.
 */
export function clientScope(apiKeys: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const key = apiKeys.length > 1 ? presentedKey(c.req.header('authorization'), c.req.header('x-api-key')) : undefined;
    c.set('clientScope', key === undefined ? SHARED_SCOPE : scopeOfKey(key));
    await next();
  };
}
