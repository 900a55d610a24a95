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

type Issue = z.core.$ZodIssue;

/**
 * When a value matches none of a union's shapes, the most useful complaint
 * is the one from the shape that got furthest (the deepest path): for
 * `content: [{type: "video"}]` that is the bad part, not "invalid input".
 */
function mostSpecific(issue: Issue, prefix: readonly PropertyKey[] = []): { issue: Issue; path: PropertyKey[] } {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  let best: { issue: Issue; path: PropertyKey[] } | undefined;
  for (const branch of issue.errors) {
    for (const inner of branch) {
      const candidate = mostSpecific(inner, path);
      if (!best || candidate.path.length > best.path.length) best = candidate;
    }
  }
  return best && best.path.length > path.length ? best : { issue, path };
}

/**
 * The first validation problem as a 400 that names the offending field.
 * `within` names where the validated value sits in the request, when it
 * was validated on its own (e.g. "tools[2]").
 */
export function zodToBridgeError(error: z.ZodError, within?: string): BridgeError {
  const first = error.issues[0];
  if (!first) return invalidRequest('The request body is invalid.');
  const { issue, path } = mostSpecific(first);
  const inner = formatPath(path);
  const param = within ? (inner === '' ? within : inner.startsWith('[') ? `${within}${inner}` : `${within}.${inner}`) : inner;
  const where = param ? `'${param}'` : 'the request body';
  return invalidRequest(`Invalid value for ${where}: ${issue.message}`, param || null, 'invalid_value');
}
