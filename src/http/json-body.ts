import type { Context } from 'hono';
import type { z } from 'zod';
import { invalidRequest } from '../errors/bridge-error.js';
import { zodToBridgeError } from '../translate/zod-errors.js';
import { jsonDepth, MAX_JSON_DEPTH } from './json-depth.js';

/**
 * Read the body as JSON and validate it; a 400 naming the problem
 * otherwise. Returns the body validated, and the JSON as the client sent
 * it: validation drops keys the schema does not know, and the translators
 * name those keys back to the client.
 */
export async function readJsonRequest<S extends z.ZodType>(c: Context, schema: S): Promise<{ body: z.infer<S>; raw: unknown }> {
  const text = await c.req.text();
  if (text.trim() === '') throw invalidRequest('The request body is empty; send a JSON object.', null, 'invalid_json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalidRequest(`The request body is not valid JSON: ${(err as Error).message}`, null, 'invalid_json');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidRequest('The request body must be a JSON object.', null, 'invalid_json');
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) {
    throw invalidRequest(
      `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep, the most the bridge accepts.`,
      null,
      'json_too_deep',
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw zodToBridgeError(parsed.error);
  return { body: parsed.data, raw: value };
}
