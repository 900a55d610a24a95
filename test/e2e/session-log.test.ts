import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SessionLog } from '../../src/observe/session-log.js';
import { noisePng } from '../support/png.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let parent: string;
let logDir: string;
let client: OpenAI;
beforeAll(async () => {
  parent = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-logs-'));
  // A folder that does not exist yet: the bridge makes it.
  logDir = path.join(parent, 'logs');
  stack = await startStack({ flags: { apiKeys: 'sekret-key-123', logDir, logMaxBytes: '4kb' } });
  client = new OpenAI({ baseURL: stack.baseURL, apiKey: 'sekret-key-123', maxRetries: 0 });
});
afterAll(async () => {
  await stack?.close();
  rmSync(parent, { recursive: true, force: true });
});

interface LogLine {
  [key: string]: unknown;
  id: string;
  status: number;
  request: { messages: Array<{ content: unknown }> };
  answer: { text: string; toolCalls: unknown[] };
}

function readLog(): { files: string[]; lines: LogLine[] } {
  const files = readdirSync(logDir).filter((f) => f.endsWith('.jsonl')).sort();
  const lines = files.flatMap((f) =>
    readFileSync(path.join(logDir, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine),
  );
  return { files, lines };
}

/** What `read` gives once `ready` holds for it, or as it is after 5 s: the log is written asynchronously. */
async function polled<T>(read: () => T, ready: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = read();
    if (ready(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function logged(count: number): Promise<LogLine[]> {
  const lines = await polled(
    () => {
      try {
        return readLog().lines;
      } catch {
        return []; // the folder appears with the first line
      }
    },
    (found) => found.length >= count,
  );
  if (lines.length < count) throw new Error(`expected ${count} log lines, found ${lines.length}`);
  return lines;
}

/**
 * The log's files once it has rolled over to a second one. A roll happens
 * after the write that crossed the size limit has drained, so the next file
 * appears a moment after the line that filled the last one can be read.
 */
function rotated(): Promise<string[]> {
  return polled(() => readLog().files, (files) => files.length > 1);
}

test('one JSON line per request with what was asked, answered and measured; no keys, no image data', async () => {
  const image = noisePng(32, 32).toString('base64');
  const res = await client.chat.completions.create({
    model: 'sonnet',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'describe' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${image}` } },
        ],
      },
    ],
  });
  const line = (await logged(1))[0]!;
  expect(line).toMatchObject({
    id: expect.stringMatching(/^req_/),
    time: expect.any(String),
    endpoint: 'POST /v1/chat/completions',
    client: { address: expect.stringMatching(/127\.0\.0\.1/), userAgent: expect.stringContaining('OpenAI') },
    model: 'sonnet',
    answeredBy: res.model,
    stream: false,
    status: 200,
    answer: { text: 'Echo: describe', toolCalls: [] },
    usage: { input_tokens: 25, output_tokens: 12 },
    stopReason: 'end_turn',
  });
  expect(line.ttftMs).toBeGreaterThan(0);
  expect(line.durationMs).toBeGreaterThanOrEqual(line.ttftMs as number);
  const text = JSON.stringify(line);
  expect(text).not.toContain(image.slice(0, 100));
  expect(text).toMatch(/\[image\/png data, \d+ bytes\]/);
  expect(text).not.toContain('sekret-key-123');
  expect(text).not.toMatch(/authorization/i);
});

// What a streamed request's line says is checked without Claude Code (test/inmemory/session-log-lines.test.ts).
test('failed requests are logged too, with their error', async () => {
  const before = (await logged(1)).length;
  await fetch(`${stack.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sekret-key-123' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
  });
  const lines = await logged(before + 1);
  const failed = lines.find((l) => l.status === 404)!;
  expect(failed.error).toMatchObject({ status: 404, code: 'model_not_found' });
});

test('files rotate when they reach the size limit', async () => {
  // Refused requests are logged with what was asked like any other, and start no Claude Code: they fill the files.
  for (let i = 0; i < 6; i++) {
    const res = await fetch(`${stack.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sekret-key-123' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: `fill ${i} ${'x'.repeat(800)}` }] }),
    });
    expect(res.status).toBe(404);
  }
  await logged(8);
  const files = await rotated();
  expect(files.length).toBeGreaterThan(1);
  expect(files.every((f) => /^sessions\.\d{4}-\d{2}-\d{2}\.\d+\.jsonl$/.test(f))).toBe(true);
});

const modeOf = (file: string) => statSync(file).mode & 0o777;

test('only the owner can read the log: files 0600 in a 0700 folder, rotated files too', async () => {
  await logged(8);
  expect(modeOf(logDir)).toBe(0o700);
  const files = await rotated();
  expect(files.length).toBeGreaterThan(1);
  for (const file of files) expect(modeOf(path.join(logDir, file)), file).toBe(0o600);
});

test('an existing log folder keeps its mode; log files an earlier version left readable become 0600', async () => {
  const shared = path.join(parent, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o755);
  const old = path.join(shared, 'sessions.2020-01-01.1.jsonl');
  const other = path.join(shared, 'notes.txt');
  writeFileSync(old, '{}\n', { mode: 0o644 });
  writeFileSync(other, 'not ours', { mode: 0o644 });
  const log = await SessionLog.open({ dir: shared, maxBytes: 1024 * 1024 });
  await log.close();
  expect(modeOf(shared)).toBe(0o755);
  expect(modeOf(old)).toBe(0o600);
  expect(modeOf(other)).toBe(0o644);
  for (const file of readdirSync(shared).filter((f) => f.endsWith('.jsonl'))) expect(modeOf(path.join(shared, file)), file).toBe(0o600);
});
