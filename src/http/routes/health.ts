import type { Hono } from 'hono';
import type { LoginStatus } from '../../core/login.js';
import type { ExecutableInfo, ModelSource } from '../../core/ports.js';
import type { UsageLimits } from '../../core/usage-limits.js';

export interface HealthDeps {
  executable: () => Promise<ExecutableInfo>;
  login: LoginStatus;
  catalog: ModelSource;
  usageLimits: UsageLimits;
  version: string;
}

/**
 * GET /health: whether Claude Code is there, what is known of its login, and
 * whether the account's plan limit is reached (null until Claude Code reports it).
 * Open without an API key, so it says nothing secret: no paths, tokens or
 * account details, only states.
 */
export function registerHealth(app: Hono, deps: HealthDeps): void {
  app.get('/health', async (c) => {
    const executable = await deps.executable();
    const snapshot = deps.catalog.current();
    const login = deps.login.state(snapshot.account);
    const ok = executable.found && executable.version !== undefined && login.status !== 'failed' && login.status !== 'missing';
    return c.json({
      status: ok ? 'ok' : 'degraded',
      bridge: { version: deps.version },
      claude_code: {
        found: executable.found,
        version: executable.version ?? null,
        error: executable.error ?? null,
      },
      login: {
        status: login.status,
        method: login.method,
        checked_at: login.checkedAt ?? null,
        hint: login.hint ?? null,
      },
      models: {
        source: snapshot.source,
        available: snapshot.entries.map((e) => e.alias),
      },
      // The state only; the figures are at /bridge/api/usage and /metrics, behind the API key.
      usage_limits: usageSummary(deps.usageLimits),
    });
  });
}

function usageSummary(limits: UsageLimits): { status: string; extra_usage_in_use: boolean; reported_at: string } | null {
  const report = limits.current();
  if (!report) return null;
  return { status: report.status, extra_usage_in_use: report.extraUsage.inUse, reported_at: report.reportedAt };
}
