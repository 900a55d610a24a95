import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import { newRequestId, RequestTrace, type RequestObserver } from '../../core/request-trace.js';
import type { Logger } from '../../logger.js';
import { wireFormatOf } from '../error-response.js';

declare module 'hono' {
  interface ContextVariableMap {
    trace: RequestTrace;
  }
}

/**
 * Gives every request an id (echoed as `x-request-id`) and a trace that
 * observers hear about when it ends. A streamed answer ends when its stream
 * does; the route finishes those traces itself.
 *
 * `observersFor` picks who hears about a request by its path, so that a
 * monitor polling /health is counted in the metrics without filling the
 * list of recent requests or the session log.
 */
export function traceRequests(observersFor: (path: string) => readonly RequestObserver[], logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const observers = observersFor(c.req.path);
    let address: string | undefined;
    try {
      address = getConnInfo(c).remote.address;
    } catch {
      address = undefined;
    }
    const trace = new RequestTrace(
      newRequestId(),
      `${c.req.method} ${c.req.path}`,
      { address, userAgent: c.req.header('user-agent') },
      [
        ...observers,
        {
          requestEnded: (record) =>
            logger.info(
              { id: record.id, endpoint: record.endpoint, status: record.status, model: record.answeredBy ?? record.model, ms: record.durationMs, ttftMs: record.ttftMs, error: record.error?.message },
              'request',
            ),
        },
      ],
      c.get('clientScope'),
    );
    c.set('trace', trace);
    c.header('x-request-id', trace.id);
    // Anthropic's clients read the request id from this header (and show it with errors).
    if (wireFormatOf(c.req.path) === 'anthropic') c.header('request-id', trace.id);
    try {
      await next();
    } finally {
      if (!trace.streaming) trace.finish(c.res.status);
    }
  };
}
