import type { UsageLimitsJson } from '../status-api/status-api-types.js';
import { el } from './dom.js';
import { formatClock, formatShare, formatUnixTime, windowName } from './format.js';

const STATE_WORDS: Record<UsageLimitsJson['status'], { text: string; tone: string }> = {
  allowed: { text: 'within the plan', tone: 'ok' },
  allowed_warning: { text: 'close to the limit', tone: 'warn' },
  rejected: { text: 'limit reached', tone: 'bad' },
};

/**
 * The account's plan usage as Claude Code last reported it: the state, each
 * window's share used and reset time, and whether extra usage is being spent.
 */
export function renderUsage(target: HTMLElement, limits: UsageLimitsJson | null): void {
  if (!limits) {
    target.replaceChildren(el('span', { class: 'muted', text: 'not reported yet (only subscription logins report it, after a request)' }));
    return;
  }
  const state = STATE_WORDS[limits.status];
  const windows = Object.entries(limits.windows).map(([name, w]) =>
    el(
      'li',
      { attrs: { 'data-window': name } },
      el('span', { text: `${windowName(name)} ${formatShare(w.utilization)}` }),
      el('span', { class: 'muted', text: w.resetsAt === null ? '' : ` · resets ${formatUnixTime(w.resetsAt)}` }),
    ),
  );
  const extra = limits.extraUsage.inUse
    ? 'drawing on extra usage'
    : limits.extraUsage.status === 'rejected'
      ? `extra usage off${limits.extraUsage.disabledReason ? ` (${limits.extraUsage.disabledReason.replace(/_/g, ' ')})` : ''}`
      : limits.extraUsage.status
        ? `extra usage ${limits.extraUsage.status.replace(/_/g, ' ')}`
        : '';
  target.replaceChildren(
    el('span', { class: `badge ${limits.extraUsage.inUse ? 'warn' : state.tone}`, text: state.text }),
    el('span', { class: 'muted', text: `${extra ? ` ${extra}` : ''} · reported ${formatClock(limits.reportedAt)}` }),
    el('ul', { class: 'usage-windows' }, ...windows),
  );
}
