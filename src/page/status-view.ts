import type { StatusReport } from '../status-api/status-api-types.js';
import { byId, el, setText } from './dom.js';
import { formatClock } from './format.js';

const LOGIN_WORDS: Record<StatusReport['login']['status'], { text: string; tone: string }> = {
  ok: { text: 'logged in', tone: 'ok' },
  unknown: { text: 'not confirmed yet', tone: 'neutral' },
  missing: { text: 'not logged in', tone: 'bad' },
  failed: { text: 'login refused', tone: 'bad' },
};

function badge(text: string, tone: string): HTMLSpanElement {
  return el('span', { class: `badge ${tone}`, text });
}

/** Whether the bridge can answer, in one word and a tone, for the header. */
export function overallState(report: StatusReport): { text: string; tone: string } {
  if (!report.claudeCode.found || !report.claudeCode.version) return { text: 'Claude Code missing', tone: 'bad' };
  if (report.login.status === 'missing' || report.login.status === 'failed') return { text: 'Not logged in', tone: 'bad' };
  if (report.login.status === 'unknown') return { text: 'Ready, login not yet confirmed', tone: 'neutral' };
  return { text: 'Ready', tone: 'ok' };
}

/** Fill the Claude Code card (executable, login, models) and the settings card. */
export function renderStatus(report: StatusReport): void {
  setText(byId('version'), `v${report.bridge.version}`);

  const executable = byId('cc-executable');
  executable.replaceChildren(
    report.claudeCode.version
      ? badge(report.claudeCode.version, 'ok')
      : badge(report.claudeCode.found ? 'does not run' : 'not found', 'bad'),
  );

  const login = LOGIN_WORDS[report.login.status];
  const checked = report.login.checkedAt ? ` · checked ${formatClock(report.login.checkedAt)}` : '';
  byId('cc-login').replaceChildren(badge(login.text, login.tone), el('span', { class: 'muted', text: ` ${report.login.method}${checked}` }));

  // How to fix it, whenever something is wrong or unknown.
  const problems = [report.claudeCode.error, report.login.status === 'ok' ? null : report.login.hint].filter((p): p is string => !!p);
  const hint = byId('cc-hint');
  hint.hidden = problems.length === 0;
  hint.className = report.login.status === 'missing' || report.login.status === 'failed' || report.claudeCode.error ? 'notice bad' : 'notice';
  hint.replaceChildren(...problems.map((p) => el('p', { text: p })));

  byId('models').replaceChildren(
    ...report.models.entries.map((m) =>
      el(
        'li',
        { title: m.description },
        el('code', { text: m.alias }),
        m.resolvedId && m.resolvedId !== m.alias ? el('span', { class: 'muted', text: ` → ${m.resolvedId}` }) : null,
        el('span', { class: 'model-desc muted', text: m.description }),
      ),
    ),
  );
  const modelsNote = byId('models-note');
  modelsNote.hidden = report.models.source === 'claude-code';
  setText(modelsNote, report.models.error ?? 'The aliases alone, until Claude Code lists its models.');

  byId('settings').replaceChildren(
    ...report.settings.map((s) =>
      el('div', { title: `${s.description} (${s.env})` }, el('dt', {}, el('code', { text: s.flag })), el('dd', { text: s.value })),
    ),
  );
}
