import type { Context } from 'hono';

/** The response header that names the request parameters that had no effect. */
export const IGNORED_HEADER = 'x-claude-code-bridge-ignored';

/** Name the parameters that had no effect, so that nothing a client sent is dropped silently. */
export function reportIgnored(c: Context, ignored: readonly string[]): void {
  if (ignored.length > 0) c.header(IGNORED_HEADER, ignored.join(', '));
}
