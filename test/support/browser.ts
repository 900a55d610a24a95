import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sparticuzChromium from '@sparticuz/chromium';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH when set (a Chromium of
 * your own), otherwise the headless Chromium that comes from the npm registry
 * with the dev dependencies (@sparticuz/chromium, unpacked into the temp
 * folder on first use), so that `npm ci && npm test` needs nothing installed
 * by hand.
 */
export async function chromiumPath(): Promise<string> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH is set to ${configured}, which does not exist.`);
    return configured;
  }
  return sparticuzChromium.executablePath();
}

/**
 * Flags for a headless Chromium on a machine with no network: no sandbox
 * (tests run as root), no GPU, and none of the background calls Chromium
 * would otherwise make to Google.
 */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-extensions',
];

export interface Browser {
  context: BrowserContext;
  /** A new tab (with its own session storage, as a real tab has). */
  newPage(options?: { colorScheme?: 'light' | 'dark'; width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile that is removed on close. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await chromiumPath();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'ccb-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  // The persistent context opens with a blank tab; tests open their own.
  for (const page of context.pages()) await page.close();
  return {
    context,
    async newPage(options = {}) {
      const page = await context.newPage();
      await page.setViewportSize({ width: options.width ?? 1280, height: options.height ?? 900 });
      if (options.colorScheme) await page.emulateMedia({ colorScheme: options.colorScheme });
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
