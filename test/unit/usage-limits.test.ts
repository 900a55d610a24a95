import { describe, expect, test } from 'vitest';
import { toUsageLimitsReport } from '../../src/claude/usage-limits-report.js';
import { UsageLimits, type UsageLimitsReport } from '../../src/core/usage-limits.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const inSeconds = (s: number) => NOW / 1000 + s;

function report(fields: Partial<UsageLimitsReport> & { extra?: Partial<UsageLimitsReport['extraUsage']> }): UsageLimitsReport {
  const { extra, ...rest } = fields;
  return {
    reportedAt: new Date(NOW).toISOString(),
    status: 'allowed',
    limitingWindow: 'five_hour',
    resetsAt: inSeconds(3600),
    windows: {},
    extraUsage: { status: 'rejected', resetsAt: null, disabledReason: null, inUse: false, ...extra },
    ...rest,
  };
}

describe('--plan-limits-only decisions', () => {
  test('nothing reported, or a plan with room: no refusal', () => {
    const limits = new UsageLimits();
    expect(limits.planLimitsRefusal(NOW)).toBeUndefined();
    limits.record(report({ status: 'allowed_warning' }));
    expect(limits.planLimitsRefusal(NOW)).toBeUndefined();
  });

  test('a plan used up without extra usage is not refused here (Anthropic answers 429 itself)', () => {
    const limits = new UsageLimits();
    limits.record(report({ status: 'rejected', extra: { status: 'rejected' } }));
    expect(limits.planLimitsRefusal(NOW)).toBeUndefined();
  });

  test('a plan used up with extra usage allowed: refused until the window resets, then not', () => {
    const limits = new UsageLimits();
    limits.record(report({ status: 'rejected', resetsAt: inSeconds(600), extra: { status: 'allowed', inUse: true } }));
    const refusal = limits.planLimitsRefusal(NOW)!;
    expect(refusal.status).toBe(429);
    expect(refusal.code).toBe('plan_limit_reached');
    expect(refusal.retryAfterSeconds).toBe(600);
    expect(limits.planLimitsRefusal(NOW + 601_000)).toBeUndefined();
  });

  test('extra usage in use while the plan has room (no reset would change it): refused until a restart, without Retry-After', () => {
    const limits = new UsageLimits();
    limits.record(report({ status: 'allowed', extra: { status: 'allowed', inUse: true } }));
    const refusal = limits.planLimitsRefusal(NOW + 86_400_000)!;
    expect(refusal.code).toBe('plan_limit_reached');
    expect(refusal.retryAfterSeconds).toBeUndefined();
    expect(refusal.message).toContain('restart the bridge');
    expect(limits.extraUsageUntil(NOW)).toBe(Infinity);
  });
});

describe("Claude Code's rate_limit_event as a report", () => {
  test('windows, the limiting window and extra usage', () => {
    const info = {
      status: 'rejected',
      resetsAt: 1_796_044_246,
      rateLimitType: 'five_hour',
      overageStatus: 'allowed',
      overageDisabledReason: 'out_of_credits',
      isUsingOverage: true,
      unifiedWindows: { five_hour: { utilization: 1, resetsAt: 1_796_044_246 }, seven_day: { utilization: 0.4, resetsAt: 1_796_299_846 } },
    } as const;
    expect(toUsageLimitsReport(info, new Date(NOW))).toEqual({
      reportedAt: new Date(NOW).toISOString(),
      status: 'rejected',
      limitingWindow: 'five_hour',
      resetsAt: 1_796_044_246,
      windows: { five_hour: { utilization: 1, resetsAt: 1_796_044_246 }, seven_day: { utilization: 0.4, resetsAt: 1_796_299_846 } },
      extraUsage: { status: 'allowed', resetsAt: null, disabledReason: 'out_of_credits', inUse: true },
    });
  });

  test('a report that names no window (a long-context refusal) says nothing about the plan', () => {
    expect(toUsageLimitsReport({ status: 'rejected', isUsingOverage: false })).toBeUndefined();
  });
});
