import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { launchBrowser, type Browser } from '../support/browser.js';
import { conversation, lastUserText, systemText } from '../support/fake-anthropic.js';
import { scriptedHandler } from '../support/scripted.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The status page in headless Chromium, against the bridge, the real Claude
 * Code and the fake Claude API. One run slot (max-concurrent 1), so a second
 * request visibly queues; the session log is on, so request details are kept.
 * Code run in the page is given as strings: the tests compile without the DOM library.
 */
let stack: Stack;
let browser: Browser;
let logDir: string;
const pages: Page[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  logDir = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-page-logs-'));
  stack = await startStack({ flags: { maxConcurrent: '1', logDir } });
  stack.fake.setHandler(scriptedHandler);
  // The model list Claude Code reports, before any page asks for it: a page
  // opened earlier would show the fallback list it was served.
  await stack.server.catalog.list();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const page of pages.splice(0)) await page.close();
  expect(pageErrors.splice(0)).toEqual([]);
});

/** A new tab on the status page, its script errors and its requests to other origins collected. */
async function openPage(options: Parameters<Browser['newPage']>[0] = {}): Promise<{ page: Page; foreign: string[] }> {
  const page = await browser.newPage(options);
  pages.push(page);
  const foreign: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('request', (req) => {
    if (!req.url().startsWith(`${stack.server.url}/`)) foreign.push(req.url());
  });
  await page.goto(`${stack.server.url}/`);
  await page.locator('#dashboard').waitFor();
  await page.locator('#live-state', { hasText: 'Live' }).waitFor();
  return { page, foreign };
}

/** Start a streamed request that runs until its last word arrives. */
function backgroundRequest(prompt: string): Promise<string> {
  return (async () => {
    const stream = await stack.openai.chat.completions.create({ model: 'haiku', stream: true, messages: [{ role: 'user', content: prompt }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    return text;
  })();
}

test('the page loads from the bridge alone and shows Claude Code, its login and its models', async () => {
  const { page, foreign } = await openPage();
  const models = (await stack.server.catalog.list()).entries.map((e) => e.alias);
  await page.locator('#models li').nth(models.length - 1).waitFor();
  expect(await page.locator('#models li code').allTextContents()).toEqual(models);
  expect(await page.locator('#cc-executable').textContent()).toMatch(/^\d+\.\d+\.\d+/);
  // Before any request the login is not confirmed, and the page says what will tell.
  expect(await page.locator('#cc-login').textContent()).toContain('not confirmed yet');
  expect(await page.locator('#cc-login').textContent()).toContain('API key from ANTHROPIC_API_KEY');
  expect(await page.locator('#cc-hint').textContent()).toContain('the first request will tell');
  expect(await page.locator('#settings').textContent()).toContain('--max-concurrent1');
  expect(await page.locator('#settings').textContent()).not.toContain('sk-ant-fake-key-for-tests');

  // A request confirms the login, and the page shows it without a reload.
  await stack.openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'confirm the login' }] });
  await page.locator('#cc-login', { hasText: 'logged in' }).waitFor();
  await page.locator('#overall-state', { hasText: /^Ready$/ }).waitFor();
  expect(await page.locator('#cc-hint').isHidden()).toBe(true);
  expect(foreign).toEqual([]);
});

test('a playground message streams its answer from Claude Code, and the conversation goes on', async () => {
  const { page } = await openPage();
  await page.locator('#pg-model').selectOption('haiku');
  await page.locator('#pg-system').fill('Answer like a teacher.');
  await page.locator('#pg-message').fill('SLOW 600 Streaming answers arrive word by word');
  await page.locator('#pg-send').click();

  // Part of the answer is on screen while the rest is still on its way.
  const answer = page.locator('#pg-conversation .bubble.assistant .text').last();
  await page.locator('#pg-conversation .bubble.assistant.streaming .text', { hasText: 'Streaming' }).waitFor();
  expect(await answer.textContent()).not.toContain('by word');
  expect(await page.locator('#pg-stop').isVisible()).toBe(true);
  await page.locator('#pg-conversation .bubble.assistant:not(.streaming) .text', { hasText: 'Streaming answers arrive word by word' }).waitFor();
  await page.locator('#pg-meta', { hasText: 'total' }).waitFor();
  expect(await page.locator('#pg-meta').textContent()).toContain('claude-haiku');

  const first = stack.fake.lastRequest.body;
  expect(systemText(first)).toContain('Answer like a teacher.');
  expect(lastUserText(first)).toBe('SLOW 600 Streaming answers arrive word by word');

  // The next message carries the conversation so far, as real turns.
  await page.locator('#pg-message').fill('And then?');
  await page.locator('#pg-message').press('Enter');
  await page.locator('#pg-conversation .bubble.assistant:not(.streaming) .text', { hasText: 'Echo: And then?' }).waitFor();
  const turns = conversation(stack.fake.lastRequest.body).map((m) => [m.role, m.content.filter((b) => b.type === 'text').map((b) => b.text).join('')]);
  expect(turns).toEqual([
    ['user', 'SLOW 600 Streaming answers arrive word by word'],
    ['assistant', 'Streaming answers arrive word by word'],
    ['user', 'And then?'],
  ]);

  // The snippets follow the playground's settings.
  expect(await page.locator('#pg-snippet').textContent()).toContain('"model": "haiku"');
  await page.locator('#pg-tabs [data-language="python"]').click();
  expect(await page.locator('#pg-snippet').textContent()).toContain('from openai import OpenAI');
  expect(await page.locator('#pg-snippet').textContent()).toContain(`base_url="${stack.baseURL}"`);
});

test('live counters move while requests run and queue, and finished ones join the list and chart', async () => {
  const { page } = await openPage();
  await page.locator('#count-running', { hasText: /^0$/ }).waitFor();
  const slow = backgroundRequest('SLOW 500 one two three four five six');
  await page.locator('#count-running', { hasText: /^1$/ }).waitFor();
  await page.locator('#running-list li', { hasText: 'chat/completions' }).waitFor();
  // One run slot: a second request waits in the queue.
  const queued = backgroundRequest('queued behind the slow one');
  await page.locator('#count-queued', { hasText: /^1$/ }).waitFor();
  expect(await page.locator('#count-running-of').textContent()).toBe('/1');

  expect(await slow).toBe('one two three four five six');
  expect(await queued).toBe('Echo: queued behind the slow one');
  await page.locator('#count-queued', { hasText: /^0$/ }).waitFor();
  await page.locator('#count-running', { hasText: /^0$/ }).waitFor();
  expect(await page.locator('#running-list li').count()).toBe(0);
  await page.locator('#requests-body tr.request', { hasText: 'claude-haiku' }).nth(1).waitFor();
  expect(await page.locator('#timing-chart .bar').count()).toBeGreaterThanOrEqual(2);
  const firstRow = await page.locator('#requests-body tr.request').first().locator('td').allTextContents();
  expect(firstRow[1]).toContain('chat/completions');
  expect(firstRow[3]).toBe('200');
  expect(firstRow[5]).toMatch(/\d+(\.\d+)? (ms|s)$/);
});

test('a recent request opens to show what was asked and answered (the session log is on)', async () => {
  await stack.openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'show me in the details' }] });
  const { page } = await openPage();
  const row = page.locator('#requests-body tr.request', { hasText: 'claude-haiku' }).first();
  await row.click();
  const detail = page.locator('#requests-body tr.detail');
  await detail.locator('pre.answer').waitFor();
  expect(await detail.locator('pre.json').first().textContent()).toContain('show me in the details');
  expect(await detail.locator('pre.answer').textContent()).toBe('Echo: show me in the details');
  await row.click();
  expect(await page.locator('#requests-body tr.detail').count()).toBe(0);
});

test('the page fits a narrow screen, and follows the light or dark preference', async () => {
  const { page } = await openPage({ width: 390, height: 844, colorScheme: 'dark' });
  await page.locator('#models li').first().waitFor();
  const fits = await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
  expect(fits).toBe(true);
  const background = (p: Page) => p.evaluate<string>('getComputedStyle(document.body).backgroundColor');
  const dark = await background(page);
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await background(page);
  const brightness = (rgb: string) => (rgb.match(/\d+/g) ?? []).slice(0, 3).reduce((sum, n) => sum + Number(n), 0);
  expect(brightness(dark)).toBeLessThan(150);
  expect(brightness(light)).toBeGreaterThan(600);
});

test("the page's own calls are not counted as requests and do not hold up anything", async () => {
  const before = stack.server.activity.totalCount;
  const { page } = await openPage();
  await page.locator('#models li').first().waitFor();
  // The live stream is open; it is not a request in flight.
  expect(stack.server.activity.inFlightCount).toBe(0);
  expect(stack.server.activity.totalCount).toBe(before);
  expect(stack.server.activity.recentRequests(200).some((r) => r.endpoint.includes('/bridge/'))).toBe(false);
});

// Last: it leaves the login marked as refused.
test('a refused login shows on the page, with how to fix it', async () => {
  const { page } = await openPage();
  stack.fake.reply({ status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } });
  await stack.openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'refused' }] }).catch(() => undefined);
  stack.fake.setHandler(scriptedHandler);
  await page.locator('#cc-login', { hasText: 'login refused' }).waitFor();
  await page.locator('#overall-state', { hasText: 'Not logged in' }).waitFor();
  expect(await page.locator('#cc-hint').textContent()).toContain('claude login');
  await page.locator('#requests-body tr.request.failed', { hasText: '401' }).first().waitFor();
});
