import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { BridgeError } from '../../errors/bridge-error.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The key a client presented: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function presentedKey(authorization: string | undefined, xApiKey: string | undefined): string | undefined {
  if (xApiKey) return xApiKey.trim();
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return match?.[1]?.trim();
}

/**
 * With API keys configured, every request must present one of them. Keys
 * are compared as SHA-256 digests with a constant-time comparison, so
 * neither their content nor their length leaks through timing; every
 * configured key is compared, whatever the outcome of the first.
 */
export function requireApiKey(keys: readonly string[]): MiddlewareHandler {
  const expected = keys.map(digest);
  return async (c, next) => {
    const key = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
    let ok = false;
    if (key !== undefined) {
      const given = digest(key);
      for (const candidate of expected) ok = timingSafeEqual(given, candidate) || ok;
    }
    if (!ok) {
      throw new BridgeError(
        'authentication',
        key === undefined
          ? 'This bridge requires an API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>".'
          : 'Incorrect API key provided.',
        { code: 'invalid_api_key' },
      );
    }
    await next();
  };
}
