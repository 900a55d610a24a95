import type { Context } from 'hono';
import type { RunEvent } from '../core/types.js';

/** The response header that names the request parameters that had no effect. */
export const IGNORED_HEADER = 'x-claude-code-bridge-ignored';

/** Longest parameter name shown in full; longer ones are cut (a client may send any key). */
const MAX_NAME_CHARS = 100;
/** Longest header value; names past it are counted, not listed, so every client can parse the header. */
const MAX_HEADER_CHARS = 1024;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A parameter name as header-safe text. HTTP header values carry bytes, not
 * text, so a name from client JSON (any Unicode, lone surrogates included)
 * is written with everything outside printable ASCII, and the `%` and `,`
 * that would make the list ambiguous, percent-encoded as UTF-8.
 */
export function headerSafeName(name: string): string {
  const cut = name.length > MAX_NAME_CHARS ? `${name.slice(0, MAX_NAME_CHARS)}...` : name;
  const wellFormed = cut.replace(LONE_SURROGATE, '\uFFFD');
  return wellFormed.replace(/[^\x21-\x7e]|[%,]/gu, (char) => encodeURIComponent(char));
}

/** The header value for these names: each made safe, the list bounded in length. */
export function ignoredHeaderValue(ignored: readonly string[]): string {
  let value = '';
  for (const [index, name] of ignored.entries()) {
    const next = value ? `${value}, ${headerSafeName(name)}` : headerSafeName(name);
    const more = ignored.length - index;
    if (next.length > MAX_HEADER_CHARS - 16) return `${value}${value ? ', ' : ''}(+${more} more)`;
    value = next;
  }
  return value;
}

/** Name the parameters that had no effect, so that nothing a client sent is dropped silently. */
export function reportIgnored(c: Context, ignored: readonly string[]): void {
  if (ignored.length > 0) c.header(IGNORED_HEADER, ignoredHeaderValue(ignored));
}

/**
 * The parameters that had no effect: those the translation left out, and
 * those Claude's API did not apply to this run (the run says so as the
 * answer starts: a model that refuses sampling parameters or forced tool
 * use), under the wire format's own names.
 */
export function withUnapplied(
  ignored: readonly string[],
  first: IteratorResult<RunEvent> | undefined,
  names: Readonly<Record<string, string>> = {},
): string[] {
  const event = first && !first.done ? first.value : undefined;
  const unapplied = event?.type === 'start' ? (event.unapplied ?? []) : [];
  if (unapplied.length === 0) return [...ignored];
  return [...new Set([...ignored, ...unapplied.map((name) => names[name] ?? name)])].sort();
}
