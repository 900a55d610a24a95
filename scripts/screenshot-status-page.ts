/**
 * Take the pictures of the status page (docs/status-page.png and
 * docs/status-page-dark.png): the bridge with the real Claude Code, against
 * the tests' fake Claude API (so no login or tokens are used), after a few
 * requests, with one answer streaming and a playground exchange on screen.
 *
 *   npm run build && npx tsx scripts/screenshot-status-page.ts
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../test/support/browser.js';
import { lastUserText, type Handler } from '../test/support/fake-anthropic.js';
import { startStack } from '../test/support/stack.js';

const ANSWERS: Array<[RegExp, string[]]> = [
  [/python/i, ['Python is a ', 'high-level, general-purpose ', 'programming language known for ', 'its readable syntax and its large standard library.']],
  [/haiku/i, ['Quiet wires carry\n', 'questions across the midnight—\n', 'answers come back warm.']],
  [/rust/i, ['Rust is a systems language ', 'that guarantees memory safety ', 'without a garbage collector.']],
  [/bridge/i, ['It lets any OpenAI client ', 'talk to Claude ', 'through your own Claude Code login.']],
];

const handler: Handler = (request) => {
  const text = lastUserText(request.body);
  if (text.startsWith('Summarise')) {
    return { blocks: [{ type: 'text', text: 'A long answer, still streaming… '.split(' ').map((w) => `${w} `) }], delayMs: 4_000 };
  }
  const answer = ANSWERS.find(([pattern]) => pattern.test(text))?.[1] ?? ['Happy to help.'];
  return { blocks: [{ type: 'text', text: answer }], delayMs: 40, usage: { output_tokens: 12 + Math.round(answer.join('').length / 5) } };
};

const out = fileURLToPath(new URL('../docs/', import.meta.url));
mkdirSync(out, { recursive: true });

// With a session log, so the page keeps the requests' details as it would.
const logDir = mkdtempSync(path.join(os.tmpdir(), 'ccb-screenshot-log-'));
const stack = await startStack({ flags: { logDir } });
stack.fake.setHandler(handler);
const browser = await launchBrowser();
try {
  for (const [model, content] of [
    ['sonnet', 'What is Python?'],
    ['haiku', 'Write a haiku about network bridges.'],
    ['opus', 'What is Rust, in one sentence?'],
    ['sonnet', 'What does this bridge do?'],
  ] as const) {
    await stack.openai.chat.completions.create({ model, messages: [{ role: 'user', content }] });
  }
  const stream = stack.openai.chat.completions.create({ model: 'opus', stream: true, messages: [{ role: 'user', content: 'Summarise the design notes.' }] });
  const streaming = stream.then(async (s) => {
    for await (const _ of s) {
      // read to the end
    }
  });

  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ colorScheme: scheme, width: 1280, height: 1000 });
    await page.goto(`${stack.server.url}/`);
    await page.locator('#models li').first().waitFor();
    if (scheme === 'light') {
      await page.locator('#pg-model').selectOption('sonnet');
      await page.locator('#pg-system').fill('Answer in one sentence.');
      await page.locator('#pg-message').fill('What is Python?');
      await page.locator('#pg-send').click();
      await page.locator('#pg-meta', { hasText: 'total' }).waitFor();
      await page.locator('#pg-message').fill('And what is Rust?');
    }
    await page.locator('#running-list li').first().waitFor();
    await page.locator('#live-state', { hasText: 'Live' }).waitFor();
    const file = `${out}status-page${scheme === 'dark' ? '-dark' : ''}.png`;
    await page.screenshot({ path: file, fullPage: true });
    console.log(`wrote ${file}`);
    await page.close();
  }
  await streaming.catch(() => undefined);
} finally {
  await browser.close();
  await stack.close();
  rmSync(logDir, { recursive: true, force: true });
}
