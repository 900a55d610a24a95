/**
 * The top-level keys of a request that have no effect: those the wire
 * format defines but Claude Code cannot honour, and any the bridge does not
 * know at all. They are reported to the client (a response header), so
 * nothing is dropped silently. Sorted, for a stable header.
 */
export function ignoredParameters(
  body: Record<string, unknown>,
  parameters: {
    /** Keys the translator acts on: honoured, or refused when set. */
    handled: ReadonlySet<string>;
    /** Keys the wire format defines that have no effect here. */
    ignored: ReadonlySet<string>;
  },
): string[] {
  return Object.keys(body)
    .filter((key) => body[key] !== undefined && (parameters.ignored.has(key) || !parameters.handled.has(key)))
    .sort();
}
