const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?,/;

/**
 * How deep a copy goes. Bodies the bridge accepts nest far less (the HTTP
 * layer refuses deeper ones), but a logger must not be the thing that blows
 * the stack on a value nobody checked.
 */
const MAX_DEPTH = 128;

/**
 * A request body fit for a log: image and file data (data: URLs, base64
 * `data` fields) replaced by a note of their type and size. Secrets never
 * are in bodies the bridge logs (keys travel in headers, which are not
 * logged). Anything nested deeper than MAX_DEPTH is replaced by a note.
 * Only what holds something replaced is copied; the rest is the body's own
 * objects, shared (nothing changes a request's body once it is read), so a
 * long conversation without images costs a walk, not a copy, per request.
 */
export function redactBody(value: unknown, key?: string, depth = 0): unknown {
  if (typeof value === 'string') {
    if (value.length <= 200) return value;
    const match = DATA_URL.exec(value);
    if (match) return `[${match[1]} data, ${approxBytes(value.length - match[0].length)} bytes]`;
    if (key === 'data' && /^[A-Za-z0-9+/=\s]+$/.test(value.slice(0, 200))) {
      return `[base64 data, ${approxBytes(value.length)} bytes]`;
    }
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deep to log]';
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const redacted = redactBody(item, undefined, depth + 1);
      if (redacted !== item) (copy ??= value.slice())[i] = redacted;
    }
    return copy ?? value;
  }
  let changed: Map<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const redacted = redactBody(v, k, depth + 1);
    if (redacted !== v) (changed ??= new Map()).set(k, redacted);
  }
  if (!changed) return value;
  const changes = changed;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, changes.has(k) ? changes.get(k) : v]));
}

function approxBytes(base64Length: number): number {
  return Math.floor((base64Length * 3) / 4);
}
