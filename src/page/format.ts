/** How the page writes figures. Pure functions, no DOM. */

/** "—" for nothing, "850 ms" below ten seconds' worth of precision, "12.3 s", "4 min 05 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** A time of day, "14:03:27", in the browser's own time zone. */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** 1234 → "1,234" in the browser's locale. */
export function formatCount(n: number): string {
  return n.toLocaleString();
}

/** Tokens in and out, "25 / 12"; "—" when the request ran no model. */
export function formatTokens(usage: { input: number; output: number } | null): string {
  return usage ? `${formatCount(usage.input)} / ${formatCount(usage.output)}` : '—';
}

/** "POST /v1/chat/completions" → "chat/completions", keeping the method when it is not the usual one. */
export function shortEndpoint(endpoint: string): string {
  const [method = '', path = ''] = endpoint.split(' ');
  const short = path.startsWith('/v1/') ? path.slice(4) : path;
  return method === 'POST' || method === 'GET' ? short : `${method} ${short}`;
}

const WINDOW_NAMES: Record<string, string> = {
  five_hour: '5-hour',
  seven_day: '7-day',
  seven_day_opus: '7-day Opus',
  seven_day_sonnet: '7-day Sonnet',
  overage: 'extra usage',
};

/** "five_hour" → "5-hour"; unknown names with their underscores as spaces. */
export function windowName(name: string): string {
  return WINDOW_NAMES[name] ?? name.replace(/_/g, ' ');
}

/** 0.914 → "91%". */
export function formatShare(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)}%`;
}

/** A Unix time as a short local date and time, "Mon 14:03". */
export function formatUnixTime(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false });
}
