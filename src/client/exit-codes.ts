/** Exit codes of `claude-code-client` (listed in docs/commands.md), one per kind of failure. */
export const EXIT = {
  ok: 0,
  /** The bridge or Claude failed (HTTP 5xx), or the answer broke off. */
  failure: 1,
  /** Unknown flag, bad value, or no prompt. */
  usage: 2,
  /** The bridge could not be reached. */
  unreachable: 3,
  /** The bridge refused the API key, or Claude refused the bridge's login (HTTP 401/403). */
  auth: 4,
  /** The request was refused (other HTTP 4xx: unknown model, bad request, rate limit). */
  refused: 5,
  /** Stopped with Ctrl-C. */
  interrupted: 130,
} as const;

export class UsageError extends Error {
  override name = 'UsageError';
}
