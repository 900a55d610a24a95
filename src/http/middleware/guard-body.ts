import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import { BridgeError } from '../../errors/bridge-error.js';

/**
 * Bodies of POST requests must say they are JSON and be no larger than
 * `maxBytes`. A body without a content type is refused too: it is exactly
 * what a browser sends for a `no-cors` request from any web page, which
 * needs no permission from CORS. A declared length over the limit is
 * refused before any of the body is read; a chunked body is cut off as soon
 * as it passes the limit.
 */
export function guardJsonBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => {
    throw new BridgeError('request_too_large', `The request body is larger than the limit of ${maxBytes} bytes.`, {
      code: 'request_too_large',
    });
  };
  const limit = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    // Only a route that takes a POST reads a body; another route answers 404 or 405 for itself.
    if (c.req.method !== 'POST' || !matchedRoutes(c).some((route) => route.method === 'POST')) return next();
    const type = c.req.header('content-type');
    if (type === undefined || !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type.trim())) {
      throw new BridgeError(
        'unsupported_media_type',
        type === undefined
          ? 'The request has no Content-Type: send the body as JSON with "Content-Type: application/json".'
          : `Unsupported content type ${JSON.stringify(type)}: send the body as JSON with "Content-Type: application/json".`,
        { code: 'unsupported_media_type' },
      );
    }
    // A declared length is checked here, as hono's bodyLimit would, but without
    // it: that one first asks for the body as a web stream, which makes the
    // Node adapter build a whole web Request (about half a millisecond on every
    // call, a tool step's included) where the route then reads the body
    // straight from Node's request. Node reads no more than the declared length.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(length, 10) > maxBytes ? tooLarge() : next();
    }
    return limit(c, next);
  };
}
