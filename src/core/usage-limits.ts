import { BridgeError } from '../errors/bridge-error.js';

/** One window of the account's plan (five-hour, seven-day, …): how much is used, and when it resets. */
export interface UsageWindow {
  /** Share used, from 0 to 1 (may pass 1); null when not reported. */
  utilization: number | null;
  /** Unix seconds; null when not reported. */
  resetsAt: number | null;
}

/**
 * The account's usage-limit state as Claude Code last reported it (after a
 * call to Claude's API, with a subscription login). Times are Unix seconds,
 * as Anthropic sends them.
 */
export interface UsageLimitsReport {
  /** When the bridge heard it (ISO time). */
  reportedAt: string;
  /** allowed; allowed_warning (close to a limit); rejected (the plan's limit is used up). */
  status: 'allowed' | 'allowed_warning' | 'rejected';
  /** The window that decides the status (five_hour, seven_day, …), when named. */
  limitingWindow: string | null;
  /** When that window resets. */
  resetsAt: number | null;
  /** Every window Claude Code reported, by name. */
  windows: Record<string, UsageWindow>;
  /** Extra usage (paid usage beyond the plan). */
  extraUsage: {
    /** Whether Anthropic would let requests draw on it: allowed, allowed_warning, rejected; null when not reported. */
    status: string | null;
    resetsAt: number | null;
    /** Why it is off, e.g. out_of_credits. */
    disabledReason: string | null;
    /** Requests are drawing on extra usage now. */
    inUse: boolean;
  };
}

/**
 * The latest usage-limit report, for the status page, /health, /metrics and
 * --plan-limits-only. One per server; runs feed it as Claude Code reports.
 */
export class UsageLimits {
  private latest: UsageLimitsReport | undefined;

  record(report: UsageLimitsReport): void {
    this.latest = report;
  }

  current(): UsageLimitsReport | undefined {
    return this.latest;
  }

  /**
   * Until when requests would draw on extra usage (ms since the epoch), as
   * far as the latest report tells: the reset of the window that is used up;
   * Infinity when no reset would change it (extra usage in use while the
   * plan has room, or no reset time given); undefined when they would not.
   */
  extraUsageUntil(now = Date.now()): number | undefined {
    const report = this.latest;
    if (!report) return undefined;
    const planUsedUp = report.status === 'rejected' && (report.extraUsage.status === 'allowed' || report.extraUsage.status === 'allowed_warning');
    if (!planUsedUp && !report.extraUsage.inUse) return undefined;
    if (report.status !== 'rejected' || report.resetsAt === null) return Infinity;
    const until = report.resetsAt * 1000;
    return until > now ? until : undefined;
  }

  /**
   * The refusal --plan-limits-only gives instead of a request that would
   * spend extra usage, or undefined when the plan still has room (or nothing
   * says otherwise). Without a reset that would end it, the refusal lasts:
   * letting a request through to look again would spend what the setting is
   * there to save.
   */
  planLimitsRefusal(now = Date.now()): BridgeError | undefined {
    const until = this.extraUsageUntil(now);
    if (until === undefined) return undefined;
    const window = this.latest?.limitingWindow ? ` (${this.latest.limitingWindow.replace(/_/g, '-')} window)` : '';
    const refused = 'further requests would draw on paid extra usage, which this bridge refuses (--plan-limits-only).';
    if (until === Infinity) {
      return new BridgeError(
        'rate_limit',
        `Claude Code reported that requests with this login draw on extra usage${this.latest?.status === 'rejected' ? `, and your Claude plan's usage limit${window} is used up` : ''}: ${refused} ` +
          'No reset time was given: turn --plan-limits-only off or restart the bridge to try again.',
        { code: 'plan_limit_reached' },
      );
    }
    const seconds = Math.max(1, Math.ceil((until - now) / 1000));
    return new BridgeError(
      'rate_limit',
      `Your Claude plan's usage limit${window} is used up, and ${refused} Try again after ${new Date(until).toISOString()}.`,
      { code: 'plan_limit_reached', retryAfterSeconds: seconds },
    );
  }
}
