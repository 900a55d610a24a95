import type { Page } from 'playwright-core';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ActivityReport, RequestList, RequestRow, StatusReport } from '../../src/status-api/status-api-types.js';
import { launchBrowser, type Browser } from '../support/browser.js';
import { jsonOf } from '../support/http.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The status page and its API when the bridge requires an API key (and keeps
 * no request details: no session log).
 */
const KEY = 'page-test-key-42';
let stack: Stack;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  stack = await startStack({ flags: { apiKeys: KEY } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});
afterEach(async () => {
  for (const page of pages.splice(0)) await page.close();
});

async function newTab(): Promise<Page> {
  const page = await browser.newPage();
  pages.push(page);
  return page;
}

const api = (path: string, key?: string) => fetch(`${stack.server.url}/bridge/api${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

describe('in the browser', () => {
  test('without the key the page shows nothing but the key prompt', async () => {
    const page = await newTab();
    await page.goto(`${stack.server.url}/`);
    await page.locator('#login').waitFor();
    expect(await page.locator('#dashboard').isHidden()).toBe(true);
    expect(await page.locator('#header-state').isHidden()).toBe(true);
    expect(await page.locator('#models li').count()).toBe(0);
    const visible = await page.evaluate<string>('document.body.innerText');
    expect(visible).toContain('API key required');
    expect(visible).not.toMatch(/claude-(opus|sonnet|haiku)|Playground|Recent requests/);

    // A wrong key is refused, and the prompt stays.
    await page.locator('#key-input').fill('not-the-key');
    await page.locator('#key-input').press('Enter');
    await page.locator('#login-error', { hasText: 'That key was not accepted.' }).waitFor();
    expect(await page.locator('#dashboard').isHidden()).toBe(true);
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
  });

  test('with the key: the dashboard, the key kept in this tab only, and a playground that sends it', async () => {
    const page = await newTab();
    await page.goto(`${stack.server.url}/`);
    await page.locator('#key-input').fill(KEY);
    await page.locator('#login-form button[type="submit"]').click();
    await page.locator('#live-state', { hasText: 'Live' }).waitFor();
    await page.locator('#models li').first().waitFor();
    expect(await page.locator('#login').isHidden()).toBe(true);
    expect(await page.locator('#settings').textContent()).toContain('on (1 key)');
    expect(await page.locator('#settings').textContent()).not.toContain(KEY);

    // Kept in session storage (this tab), never in local storage or a cookie.
    expect(await page.evaluate<string[]>('Object.values(sessionStorage)')).toEqual([KEY]);
    expect(await page.evaluate<number>('localStorage.length')).toBe(0);
    expect(await browser.context.cookies()).toEqual([]);
    await page.reload();
    await page.locator('#live-state', { hasText: 'Live' }).waitFor();

    // The snippets read the key from the environment rather than showing it.
    expect(await page.locator('#pg-snippet').textContent()).toContain('Authorization: Bearer $BRIDGE_API_KEY');
    expect(await page.locator('#pg-snippet').textContent()).not.toContain(KEY);

    await page.locator('#pg-model').selectOption('haiku');
    await page.locator('#pg-message').fill('hello with a key');
    await page.locator('#pg-send').click();
    await page.locator('#pg-conversation .bubble.assistant:not(.streaming) .text', { hasText: 'Echo: hello with a key' }).waitFor();
    // The bridge's key stays with the bridge.
    expect(JSON.stringify(stack.fake.lastRequest.headers)).not.toContain(KEY);

    // Without the session log, a request's details are not kept, and the page says how to keep them.
    await page.locator('#requests-body tr.request', { hasText: 'claude-haiku' }).first().click();
    await page.locator('#requests-body tr.detail', { hasText: '--log-dir' }).waitFor();

    // Another tab has its own session storage: it asks again.
    const other = await newTab();
    await other.goto(`${stack.server.url}/`);
    await other.locator('#login').waitFor();
    expect(await other.locator('#dashboard').isHidden()).toBe(true);

    // Forgetting the key returns to the prompt.
    await page.locator('#forget-key').click();
    await page.locator('#login').waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
  });
});

describe('the JSON API', () => {
  test('every /bridge/api route wants the key; the page files are open and hold no data', async () => {
    for (const path of ['/status', '/activity', '/requests', '/requests/req_x', '/events', '/nope']) {
      const res = await api(path);
      expect(res.status, path).toBe(401);
      expect((await jsonOf(res)).error.code).toBe('invalid_api_key');
      expect((await api(path, 'wrong')).status, path).toBe(401);
    }
    const html = await fetch(`${stack.server.url}/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    const text = await html.text();
    expect(text).not.toContain('claude-haiku');
    const script = await fetch(`${stack.server.url}/bridge/ui/main.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    const again = await fetch(`${stack.server.url}/bridge/ui/main.js`, { headers: { 'if-none-match': script.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${stack.server.url}/bridge/ui/vendor/eventsource-parser.js`)).status).toBe(200);
    expect((await fetch(`${stack.server.url}/bridge/ui/%2e%2e/%2e%2e/package.json`)).status).toBe(404);
    const post = await fetch(`${stack.server.url}/`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  test('status, activity and requests with the key, never a secret', async () => {
    // One request without the key (refused) and one with it.
    await stack.openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'for the list' }] }).catch(() => undefined);
    const openai = new (await import('openai')).default({ baseURL: stack.baseURL, apiKey: KEY, maxRetries: 0 });
    await openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'for the list' }] });
    const status = (await jsonOf(await api('/status', KEY))) as StatusReport;
    expect(status.auth).toEqual({ required: true, keys: 1 });
    expect(status.login.status).toBe('ok');
    expect(status.details).toEqual({ kept: false, capacity: 0 });
    expect(status.models.entries.map((m) => m.alias)).toContain('haiku');
    const activity = (await jsonOf(await api('/activity', KEY))) as ActivityReport;
    expect(activity.runs).toMatchObject({ maxConcurrent: 3 });
    const list = (await jsonOf(await api('/requests', KEY))) as RequestList;
    expect(list.detailsKept).toBe(false);
    expect(list.requests.map((r) => r.status)).toEqual(expect.arrayContaining([401, 200]));
    const ok = list.requests.find((r) => r.status === 200)!;
    expect(ok).toMatchObject({ endpoint: 'POST /v1/chat/completions', model: 'haiku', hasDetails: false, usage: { input: 25, output: 12 } });
    const detail = await api(`/requests/${ok.id}`, KEY);
    expect(detail.status).toBe(404);
    expect((await jsonOf(detail)).error.message).toContain('--log-dir');
    const everything = JSON.stringify([status, activity, list]);
    for (const secret of [KEY, 'sk-ant-fake-key-for-tests', stack.home]) expect(everything).not.toContain(secret);
  });

  test('the live stream reports activity and finished requests, and shutdown ends it cleanly', async () => {
    const res = await api('/events', KEY);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e) });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const readUntil = async (done: () => boolean): Promise<boolean> => {
      while (!done()) {
        const chunk = await reader.read();
        if (chunk.done) return false;
        parser.feed(decoder.decode(chunk.value, { stream: true }));
      }
      return true;
    };
    await readUntil(() => events.some((e) => e.event === 'requests') && events.some((e) => e.event === 'activity'));
    // The open stream is not a request in flight.
    expect(stack.server.activity.inFlightCount).toBe(0);

    const openai = new (await import('openai')).default({ baseURL: stack.baseURL, apiKey: KEY, maxRetries: 0 });
    await openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'seen live' }] });
    await readUntil(() => events.some((e) => e.event === 'request'));
    const row = JSON.parse(events.find((e) => e.event === 'request')!.data) as RequestRow;
    expect(row).toMatchObject({ endpoint: 'POST /v1/chat/completions', status: 200, model: 'haiku' });
    const reports = events.filter((e) => e.event === 'activity').map((e) => JSON.parse(e.data) as ActivityReport);
    expect(reports.some((r) => r.running.length === 1 && r.running[0]!.model === 'haiku')).toBe(true);

    // Shutdown ends the stream as a finished response (not a cut connection).
    const closed = stack.server.close();
    let ended: boolean | Error;
    try {
      ended = !(await readUntil(() => false));
    } catch (err) {
      ended = err as Error;
    }
    expect(ended).toBe(true);
    await closed;
  });
});
