import type { Context } from 'hono';
import type { BridgeError } from '../errors/bridge-error.js';
import { errorHeaders, toAnthropicErrorBody, toOpenAIErrorBody, wireStatus, type WireFormat } from '../errors/wire-errors.js';

export type { WireFormat } from '../errors/wire-errors.js';

/** Which wire format a path speaks, so errors come back in the shape its clients parse. */
export function wireFormatOf(path: string): WireFormat {
  return path === '/v1/messages' || path.startsWith('/v1/messages/') ? 'anthropic' : 'openai';
}

export function errorBody(err: BridgeError, wire: WireFormat, requestId?: string): unknown {
  return wire === 'anthropic' ? toAnthropicErrorBody(err, requestId) : toOpenAIErrorBody(err);
}

export function errorResponse(c: Context, err: BridgeError): Response {
  const wire = wireFormatOf(c.req.path);
  for (const [name, value] of Object.entries(errorHeaders(err))) c.header(name, value);
  return c.json(errorBody(err, wire, c.get('trace')?.id), wireStatus(err, wire) as 400);
}
