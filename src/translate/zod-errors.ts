import type { z } from 'zod';
import { invalidRequest, type BridgeError } from '../errors/bridge-error.js';

/** "messages[0].content[1].image_url" from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** The first validation problem as a 400 that names the offending field. */
export function zodToBridgeError(error: z.ZodError): BridgeError {
  const issue = error.issues[0];
  if (!issue) return invalidRequest('The request body is invalid.');
  const param = formatPath(issue.path);
  const where = param ? `'${param}'` : 'the request body';
  return invalidRequest(`Invalid value for ${where}: ${issue.message}`, param || null, 'invalid_value');
}
