/** Exit codes of `claude-code-bridge` (listed in docs/commands.md). */
export const EXIT = {
  ok: 0,
  /** The server could not start or stopped on an error, or `doctor` found a problem. */
  failure: 1,
  /** Unknown flag, missing or bad value: nothing was started. */
  usage: 2,
} as const;
