import type { UsageLimitsReport, UsageWindow } from '../core/usage-limits.js';
import type { RateLimitInfoShape } from './sdk-message-shapes.js';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A field of a value that may or may not be an object. */
function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The bridge's report of a `rate_limit_event`. Claude Code derives it from
 * Anthropic's `anthropic-ratelimit-unified-*` response headers; the
 * per-window figures (`unifiedWindows`) are not in the SDK's types yet, so
 * they are read with care. Undefined for a report that says nothing of the plan.
 */
export function toUsageLimitsReport(info: RateLimitInfoShape, now = new Date()): UsageLimitsReport | undefined {
  const windows: Record<string, UsageWindow> = {};
  for (const [name, window] of Object.entries(info.unifiedWindows ?? {})) {
    windows[name] = { utilization: num(field(window, 'utilization')), resetsAt: num(field(window, 'resetsAt')) };
  }
  // The limiting window's own figures, when the per-window list does not name it.
  if (info.rateLimitType && !windows[info.rateLimitType]) {
    windows[info.rateLimitType] = { utilization: num(info.utilization), resetsAt: num(info.resetsAt) };
  }
  // A refusal of one request (long context) comes with a report that names no window: it says nothing about the plan.
  if (Object.keys(windows).length === 0 && num(info.resetsAt) === null) return undefined;
  return {
    reportedAt: now.toISOString(),
    status: info.status,
    limitingWindow: info.rateLimitType ?? null,
    resetsAt: num(info.resetsAt),
    windows,
    extraUsage: {
      status: info.overageStatus ?? null,
      resetsAt: num(info.overageResetsAt),
      disabledReason: info.overageDisabledReason ?? null,
      inUse: info.isUsingOverage === true || info.overageInUse === true,
    },
  };
}
