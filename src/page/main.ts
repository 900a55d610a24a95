import type { RequestRow, StatusReport } from '../status-api/status-api-types.js';
import { ActivityView } from './activity-view.js';
import { ApiClient, Unauthorized } from './api-client.js';
import { byId, setText, svgById } from './dom.js';
import { LiveFeed, type FeedState } from './live-feed.js';
import { Playground } from './playground.js';
import { RequestsView } from './requests-view.js';
import { overallState, renderStatus } from './status-view.js';
import { drawTimingChart } from './timing-chart.js';

/**
 * The status page: it asks the bridge for its status (with the API key this
 * tab was given, if any); without an accepted key it shows only the key
 * prompt, and otherwise the dashboard, kept current by the live stream.
 */

const api = new ApiClient(sessionStorage);
let status: StatusReport | undefined;
let dashboard: { activity: ActivityView; requests: RequestsView; playground: Playground; feed: LiveFeed } | undefined;
let statusTimer: number | undefined;

function setPill(id: string, text: string, tone: string): void {
  const pill = byId(id);
  setText(pill, text);
  pill.className = `pill ${tone}`;
}

const FEED_WORDS: Record<FeedState, [string, string]> = {
  connecting: ['Connecting…', 'neutral'],
  live: ['Live', 'ok'],
  offline: ['Offline: reconnecting…', 'bad'],
};

function showLogin(problem?: string): void {
  dashboard?.feed.stop();
  byId('dashboard').hidden = true;
  byId('forget-key').hidden = true;
  byId('header-state').hidden = true;
  byId('login').hidden = false;
  const error = byId('login-error');
  error.hidden = !problem;
  setText(error, problem ?? '');
  byId<HTMLInputElement>('key-input').focus();
}

function createDashboard() {
  const activity = new ActivityView();
  const chart = svgById('timing-chart');
  let chartRows: readonly RequestRow[] = [];
  const requests = new RequestsView(api, (rows) => drawTimingChart(chart, (chartRows = rows)));
  new ResizeObserver(() => drawTimingChart(chart, chartRows)).observe(chart.parentElement!);
  const playground = new Playground(api, () => status?.auth.required ?? false, () => void start());
  const feed = new LiveFeed(api, {
    activity: (report) => activity.update(report),
    requests: (list) => {
      requests.replace(list);
      // Sent when the stream (re)opens: after a restart of the bridge, its status may have changed too.
      refreshStatusSoon();
    },
    request: (row) => {
      requests.add(row);
      // A request may have confirmed the login or refreshed the model list.
      refreshStatusSoon();
    },
    state: (state) => setPill('live-state', ...FEED_WORDS[state]),
    unauthorized: () => void start(),
  });
  return { activity, requests, playground, feed };
}

function showStatus(report: StatusReport): void {
  status = report;
  renderStatus(report);
  const overall = overallState(report);
  setPill('overall-state', overall.text, overall.tone);
  dashboard?.playground.setModels(report.models.entries);
  dashboard?.playground.updateSnippet();
  byId('forget-key').hidden = !report.auth.required;
}

function refreshStatusSoon(): void {
  if (statusTimer !== undefined) return;
  statusTimer = window.setTimeout(() => {
    statusTimer = undefined;
    api
      .getJson<StatusReport>('/bridge/api/status')
      .then(showStatus)
      .catch((err) => {
        if (err instanceof Unauthorized) void start();
      });
  }, 500);
}

/** Load the status; on success show the dashboard, on a refused key the prompt. */
async function start(): Promise<void> {
  let report: StatusReport;
  try {
    report = await api.getJson<StatusReport>('/bridge/api/status');
  } catch (err) {
    if (err instanceof Unauthorized) {
      const hadKey = api.key !== null;
      api.forgetKey();
      showLogin(hadKey ? 'That key was not accepted.' : undefined);
      return;
    }
    byId('load-error').hidden = false;
    setText(byId('load-error'), `The bridge did not answer: ${(err as Error).message}. Retrying…`);
    window.setTimeout(() => void start(), 2000);
    return;
  }
  byId('load-error').hidden = true;
  byId('login').hidden = true;
  byId('header-state').hidden = false;
  dashboard ??= createDashboard();
  showStatus(report);
  byId('dashboard').hidden = false;
  dashboard.feed.start();
}

byId<HTMLFormElement>('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>('key-input');
  const key = input.value.trim();
  if (key === '') return;
  api.setKey(key);
  input.value = '';
  void start();
});

byId('forget-key').addEventListener('click', () => {
  api.forgetKey();
  showLogin();
});

void start();
