const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?,/;

/**
 * How deep a copy goes. Bodies the bridge accepts nest far less (the HTTP
 * layer refuses deeper ones), but a logger must not be the thing that blows
 * the stack on a value nobody checked.
 */
const MAX_DEPTH = 128;

/**
 * A copy of a request body fit for a log: image and file data (data: URLs,
 * base64 `data` fields) replaced by a note of their type and size. Secrets
 * never are in bodies the bridge logs (keys travel in headers, which are not
 * logged). Anything nested deeper than MAX_DEPTH is replaced by a note.
 */
export function redactBody(value: unknown, key?: string, depth = 0): unknown {
  if (typeof value === 'string') {
    const match = DATA_URL.exec(value);
    if (match && value.length > 200) return `[${match[1]} data, ${approxBytes(value.length - match[0].length)} bytes]`;
    if (key === 'data' && value.length > 200 && /^[A-Za-z0-9+/=\s]+$/.test(value.slice(0, 200))) {
      return `[base64 data, ${approxBytes(value.length)} bytes]`;
    }
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deep to log]';
  if (Array.isArray(value)) return value.map((item) => redactBody(item, undefined, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactBody(v, k, depth + 1)]));
}

function approxBytes(base64Length: number): number {
  return Math.floor((base64Length * 3) / 4);
}
