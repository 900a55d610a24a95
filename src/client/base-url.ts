import { UsageError } from './exit-codes.js';

/**
 * The OpenAI base URL for a bridge address given with or without `/v1`, a
 * trailing slash, or even a scheme: `localhost:8000` → `http://localhost:8000/v1`.
 */
export function toBaseURL(raw: string): string {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`--url: not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url: must be an http or https URL, got ${JSON.stringify(raw)}`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/v1') ? path : `${path}/v1`;
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}
