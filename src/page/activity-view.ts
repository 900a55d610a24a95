import type { ActivityReport } from '../status-api/status-api-types.js';
import { byId, el, setText } from './dom.js';
import { formatCount, formatMs, shortEndpoint } from './format.js';
import { renderUsage } from './usage-view.js';

/**
 * The live figures: runs and queue against their limits, warm spares, live
 * sessions, and the requests in flight with their running time, which ticks
 * here between the server's reports.
 */
export class ActivityView {
  private report: ActivityReport | undefined;
  /** Browser clock minus server clock, so elapsed times do not depend on either being right. */
  private skewMs = 0;
  constructor() {
    window.setInterval(() => this.tickElapsed(), 250);
  }

  update(report: ActivityReport): void {
    this.report = report;
    this.skewMs = Date.now() - Date.parse(report.now);
    setText(byId('count-running'), String(report.runs.active));
    setText(byId('count-running-of'), `/${report.runs.maxConcurrent}`);
    setText(byId('count-queued'), String(report.runs.queued));
    setText(byId('count-queued-of'), `/${report.runs.maxQueue}`);
    setText(byId('count-spares'), String(report.pool.ready));
    setText(byId('count-spares-of'), report.pool.size === 0 ? '' : `/${report.pool.size}`);
    setText(
      byId('count-spares-label'),
      report.pool.size === 0 ? 'warm spares (off)' : report.pool.warming > 0 ? `warm spares, ${report.pool.warming} starting` : 'warm spares',
    );
    setText(byId('count-live'), String(report.live.parked));
    setText(byId('count-live-of'), report.live.max === 0 ? '' : `/${report.live.max}`);
    byId('activity-card').classList.toggle('busy', report.running.length > 0);
    // Claude Code reports the plan's usage after requests, so it lives with the live figures.
    renderUsage(byId('cc-usage'), report.usageLimits);

    const origins = report.origins;
    const processes = Object.values(report.processes).reduce((a, b) => a + b, 0);
    setText(
      byId('activity-foot'),
      `${formatCount(report.totals.requests)} request${report.totals.requests === 1 ? '' : 's'} since start · runs from a live session ${origins.live ?? 0}, a pre-started session ${origins.prestarted ?? 0}, a warm spare ${origins.spare ?? 0}, a cold start ${origins.cold ?? 0} · ${processes} Claude Code process${processes === 1 ? '' : 'es'}`,
    );

    const list = byId('running-list');
    list.replaceChildren(
      ...report.running.map((r) =>
        el(
          'li',
          { attrs: { 'data-id': r.id } },
          el('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }),
          el('code', { text: shortEndpoint(r.endpoint) }),
          el('span', { class: 'muted', text: r.model ? ` ${r.model}` : '' }),
          el('span', { class: 'elapsed', attrs: { 'data-started': r.startedAt } }),
          el('span', { class: 'muted small', text: r.ttftMs === null ? ' waiting for the first token' : ` first token ${formatMs(r.ttftMs)}` }),
        ),
      ),
    );
    byId('running-empty').hidden = report.running.length > 0;
    this.tickElapsed();
  }

  private tickElapsed(): void {
    if (!this.report) return;
    const serverNow = Date.now() - this.skewMs;
    for (const node of byId('running-list').querySelectorAll<HTMLElement>('.elapsed')) {
      setText(node, ` ${formatMs(Math.max(0, serverNow - Date.parse(node.dataset.started ?? '')))}`);
    }
  }
}
