import type { Hono } from 'hono';
import { BridgeError } from '../../errors/bridge-error.js';
import type { StatusFeedEvent } from '../../observe/status-feed.js';
import { sseResponse, type SseWait } from '../sse.js';
import { activityReport, requestDetail, requestList, requestRow, statusReport, usageReport, type StatusSources } from '../status-report.js';

/** How often a live stream looks for changes nothing announces (a spare becoming ready). */
const POLL_MS = 1_000;

export const STATUS_API_PREFIX = '/bridge/api';

/**
 * The status page's JSON API under /bridge/api, behind the same API key as
 * /v1 (the caller puts that middleware in front):
 *   GET status          what the bridge is and how it is set up
 *   GET activity        the live figures
 *   GET usage           the account's usage limits as Claude Code last reported them
 *   GET requests        the recent requests
 *   GET requests/{id}   one request with its body and answer (session log on)
 *   GET events          server-sent events: activity on change, each request as it ends
 */
export function registerStatusApi(app: Hono, sources: StatusSources): void {
  app.get(`${STATUS_API_PREFIX}/status`, async (c) => c.json(await statusReport(sources)));
  app.get(`${STATUS_API_PREFIX}/activity`, (c) => c.json(activityReport(sources)));
  app.get(`${STATUS_API_PREFIX}/usage`, (c) => c.json(usageReport(sources)));
  // Figures are the operator's; a request's body and answer are its API key's (see client-scope.ts).
  app.get(`${STATUS_API_PREFIX}/requests`, (c) => c.json(requestList(sources, c.get('clientScope'))));
  app.get(`${STATUS_API_PREFIX}/requests/:id`, (c) => {
    const id = c.req.param('id');
    if (!sources.details) {
      throw new BridgeError(
        'not_found',
        'Requests and answers are kept only while the session log is on: start the bridge with --log-dir (BRIDGE_LOG_DIR).',
        { code: 'details_not_kept' },
      );
    }
    const record = sources.details.get(id, c.get('clientScope'));
    if (!record) {
      throw new BridgeError('not_found', `The request ${JSON.stringify(id)} is not among the most recent ones kept.`, {
        code: 'request_not_found',
      });
    }
    return c.json(requestDetail(record, sources.details, c.get('clientScope')));
  });
  app.get(`${STATUS_API_PREFIX}/events`, (c) => {
    const signal = c.req.raw.signal;
    const viewer = c.get('clientScope');
    return sseResponse(c, (writer) => streamActivity(sources, writer, signal, viewer));
  });
}

interface EventWriter {
  send(data: unknown, event?: string): SseWait;
  readonly aborted: boolean;
}

/**
 * Push the page's live view: the figures and recent requests at once, then
 * the figures whenever they change and each request as it ends. Ends when the
 * client leaves or the server shuts down (the feed closes).
 */
function streamActivity(sources: StatusSources, writer: EventWriter, signal: AbortSignal, viewer: string): Promise<void> {
  return new Promise<void>((resolve) => {
    if (sources.feed.isClosed || signal.aborted) return resolve();
    let lastSent = '';
    let scheduled = false;
    let done = false;
    const send = (data: unknown, event: string) => void writer.send(data, event)?.catch(finish);
    const sendActivity = () => {
      scheduled = false;
      if (done) return;
      const report = activityReport(sources);
      const key = JSON.stringify({ ...report, now: undefined });
      if (key === lastSent) return;
      lastSent = key;
      send(report, 'activity');
    };
    // Several changes in one moment (a request ends, its process is parked) make one event.
    const scheduleActivity = () => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(sendActivity);
    };
    const onEvent = (event: StatusFeedEvent) => {
      if (event.type === 'closed') return finish();
      if (event.type === 'ended') send(requestRow(event.record, sources.details, viewer), 'request');
      scheduleActivity();
    };
    const timer = setInterval(() => (writer.aborted ? finish() : sendActivity()), POLL_MS);
    let unsubscribe: () => void = () => undefined;
    function finish(): void {
      if (done) return;
      done = true;
      clearInterval(timer);
      unsubscribe();
      signal.removeEventListener('abort', finish);
      resolve();
    }
    signal.addEventListener('abort', finish, { once: true });
    unsubscribe = sources.feed.subscribe(onEvent);
    send(requestList(sources, viewer), 'requests');
    sendActivity();
  });
}
