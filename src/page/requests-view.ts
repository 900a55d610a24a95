import type { RequestDetail, RequestList, RequestRow } from '../status-api/status-api-types.js';
import type { ApiClient } from './api-client.js';
import { byId, el, setText } from './dom.js';
import { formatClock, formatMs, formatTokens, shortEndpoint } from './format.js';

const SHOWN = 100;
const COLUMNS = 7;

/**
 * The recent requests, newest first, as a table. A click on a row shows
 * that request and its answer underneath, when the bridge keeps them (only
 * with its session log on); otherwise it says how to turn that on.
 */
export class RequestsView {
  private rows: RequestRow[] = [];
  private detailsKept = false;
  private openId: string | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly onChange: (rows: readonly RequestRow[]) => void,
  ) {
    byId('requests-body').addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLTableRowElement>('tr.request');
      if (row?.dataset.id) void this.toggle(row.dataset.id);
    });
    byId('requests-body').addEventListener('keydown', (event) => {
      const row = (event.target as Element).closest<HTMLTableRowElement>('tr.request');
      if (row?.dataset.id && (event.key === 'Enter' || event.key === ' ')) {
        event.preventDefault();
        void this.toggle(row.dataset.id);
      }
    });
  }

  replace(list: RequestList): void {
    this.rows = list.requests.slice(0, SHOWN);
    this.detailsKept = list.detailsKept;
    this.openId = undefined;
    this.render();
  }

  add(row: RequestRow): void {
    this.rows = [row, ...this.rows.filter((r) => r.id !== row.id)].slice(0, SHOWN);
    const body = byId('requests-body');
    body.prepend(this.rowElement(row));
    const shown = body.querySelectorAll('tr.request');
    for (let i = SHOWN; i < shown.length; i++) shown[i]!.remove();
    this.afterChange();
  }

  private render(): void {
    byId('requests-body').replaceChildren(...this.rows.map((r) => this.rowElement(r)));
    this.afterChange();
  }

  private afterChange(): void {
    byId('requests-empty').hidden = this.rows.length > 0;
    setText(
      byId('requests-note'),
      this.detailsKept
        ? 'Click a request to see what was asked and answered.'
        : 'Requests and answers are kept only with the session log on (--log-dir).',
    );
    this.onChange(this.rows);
  }

  private rowElement(row: RequestRow): HTMLTableRowElement {
    const failed = row.status >= 400;
    const tr = el(
      'tr',
      { class: failed ? 'request failed' : 'request', attrs: { 'data-id': row.id, tabindex: '0', 'aria-expanded': 'false' } },
      el('td', { text: formatClock(row.startedAt), title: row.startedAt }),
      el('td', {}, el('code', { text: shortEndpoint(row.endpoint) }), row.stream ? el('span', { class: 'tag', text: 'stream' }) : null),
      el('td', { text: row.answeredBy ?? row.model ?? '—', title: row.model ? `asked for ${row.model}` : '' }),
      el('td', {}, el('span', { class: `status ${failed ? 'bad' : 'ok'}`, text: String(row.status), title: row.error?.message ?? '' })),
      el('td', { class: 'num', text: formatTokens(row.usage) }),
      el('td', { class: 'num', text: formatMs(row.ttftMs) }),
      el('td', { class: 'num', text: formatMs(row.durationMs) }),
    );
    return tr;
  }

  private async toggle(id: string): Promise<void> {
    const body = byId('requests-body');
    body.querySelector('tr.detail')?.remove();
    for (const open of body.querySelectorAll('tr[aria-expanded="true"]')) open.setAttribute('aria-expanded', 'false');
    if (this.openId === id) {
      this.openId = undefined;
      return;
    }
    this.openId = id;
    const tr = body.querySelector<HTMLTableRowElement>(`tr.request[data-id="${CSS.escape(id)}"]`);
    const row = this.rows.find((r) => r.id === id);
    if (!tr || !row) return;
    tr.setAttribute('aria-expanded', 'true');
    const cell = el('td', { attrs: { colspan: String(COLUMNS) } });
    const detail = el('tr', { class: 'detail' }, cell);
    tr.after(detail);
    cell.append(...summaryLines(row));
    if (!row.hasDetails) {
      cell.append(
        el('p', {
          class: 'muted',
          text: row.madeWithAnotherKey
            ? 'This request was made with another API key: its request and answer are shown to that key alone.'
            : this.detailsKept
            ? 'This request is no longer among the ones kept in memory.'
            : 'The request and its answer are not kept: start the bridge with --log-dir (BRIDGE_LOG_DIR) to keep them, in the session log and for this page.',
        }),
      );
      return;
    }
    const loading = el('p', { class: 'muted', text: 'Loading…' });
    cell.append(loading);
    try {
      const full = await this.api.getJson<RequestDetail>(`/bridge/api/requests/${encodeURIComponent(id)}`);
      loading.replaceWith(...detailBlocks(full));
    } catch (err) {
      loading.textContent = (err as Error).message;
    }
  }
}

function summaryLines(row: RequestRow): Node[] {
  const facts = [
    `id ${row.id}`,
    row.model ? `asked for ${row.model}` : null,
    row.answeredBy ? `answered by ${row.answeredBy}` : null,
    row.stopReason ? `stop: ${row.stopReason}` : null,
    row.usage ? `cache read ${row.usage.cacheRead}, written ${row.usage.cacheWrite}` : null,
  ].filter((f): f is string => !!f);
  const nodes: Node[] = [el('p', { class: 'muted small', text: facts.join(' · ') })];
  if (row.error) nodes.push(el('p', { class: 'error', text: `${row.error.code ?? 'error'}: ${row.error.message}` }));
  return nodes;
}

function detailBlocks(full: RequestDetail): Node[] {
  const blocks: Node[] = [];
  if (full.client.userAgent || full.client.address) {
    blocks.push(el('p', { class: 'muted small', text: `from ${full.client.address ?? 'unknown'} · ${full.client.userAgent ?? 'no user agent'}` }));
  }
  blocks.push(el('h4', { text: 'Request' }), el('pre', { class: 'json', text: JSON.stringify(full.request, null, 2) }));
  if (full.answer) {
    blocks.push(el('h4', { text: 'Answer' }), el('pre', { class: 'answer', text: full.answer.text || '(no text)' }));
    for (const call of full.answer.toolCalls) {
      blocks.push(el('pre', { class: 'json', text: `${call.name}(${call.arguments})` }));
    }
  }
  return blocks;
}
