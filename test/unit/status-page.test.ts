import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import type { RequestRecord } from '../../src/core/request-trace.js';
import { shownSettings } from '../../src/http/shown-settings.js';
import { RequestDetails } from '../../src/observe/request-details.js';
import { StatusFeed, type StatusFeedEvent } from '../../src/observe/status-feed.js';
import { formatMs, formatTokens, shortEndpoint } from '../../src/page/format.js';
import { curlSnippet, javascriptSnippet, pythonSnippet, type SnippetInput } from '../../src/page/snippets.js';

function record(id: string, requestText = 'hello', owner = ''): RequestRecord {
  return {
    id,
    startedAt: new Date().toISOString(),
    endpoint: 'POST /v1/chat/completions',
    client: { address: '127.0.0.1', userAgent: 'test' },
    stream: false,
    model: 'sonnet',
    answeredBy: 'claude-sonnet-5-5',
    request: { messages: [{ role: 'user', content: requestText }] },
    answer: { text: 'hi', toolCalls: [] },
    stopReason: 'end_turn',
    usage: { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    ttftMs: 10,
    durationMs: 20,
    status: 200,
    error: undefined,
    owner,
  };
}

describe('request details kept for the page', () => {
  test('keeps the most recent ones, bounded by count', () => {
    const details = new RequestDetails({ capacity: 3, maxBytes: 1_000_000 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) details.requestEnded(record(id));
    expect(details.size).toBe(3);
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => details.has(id, ''))).toEqual([false, false, true, true, true]);
    expect(details.get('e', '')?.request).toEqual({ messages: [{ role: 'user', content: 'hello' }] });
  });

  test("with several API keys, a request's body and answer are shown to its own key alone", () => {
    const details = new RequestDetails();
    details.requestEnded(record('by-a', 'secret of a', 'owner-a'));
    expect(details.get('by-a', 'owner-a')?.request).toEqual({ messages: [{ role: 'user', content: 'secret of a' }] });
    expect(details.get('by-a', 'owner-b')).toBeUndefined();
    expect(details.has('by-a', 'owner-b')).toBe(false);
    expect(details.get('by-a', '')).toBeUndefined();
  });

  test('and by size: the oldest go first, a record larger than the bound keeps only its figures', () => {
    const details = new RequestDetails({ capacity: 100, maxBytes: 4_000 });
    for (let i = 0; i < 10; i++) details.requestEnded(record(`r${i}`, 'x'.repeat(1_000)));
    expect(details.totalBytes).toBeLessThanOrEqual(4_000);
    expect(details.has('r9', '')).toBe(true);
    expect(details.has('r0', '')).toBe(false);
    details.requestEnded(record('huge', 'y'.repeat(10_000)));
    const huge = details.get('huge', '')!;
    expect(huge.request).toMatch(/^\[request not kept: \d+ bytes/);
    expect(huge.answer).toBeUndefined();
    expect(huge.durationMs).toBe(20);
    expect(details.totalBytes).toBeLessThanOrEqual(4_000);
  });
});

describe('status feed', () => {
  test('tells listeners about changes and endings, and ends them at close', () => {
    const feed = new StatusFeed();
    const heard: StatusFeedEvent['type'][] = [];
    const stop = feed.subscribe((e) => heard.push(e.type));
    feed.requestEnded(record('a'));
    feed.close();
    expect(heard).toEqual(['ended', 'closed']);
    const late: string[] = [];
    feed.subscribe((e) => late.push(e.type));
    expect(late).toEqual(['closed']);
    stop();
  });
});

describe('settings shown on the page', () => {
  test('never a key, a path or the system prompt; auth as on/off', () => {
    const config = resolveConfig(
      {
        apiKeys: 'secret-key-1,secret-key-2',
        logDir: '/var/private/logs',
        claudeExecutable: '/opt/secret/claude',
        workRoot: '/srv/work-root',
        defaultSystemPrompt: 'A very private prompt',
        maxConcurrent: '5',
      },
      {},
    );
    const shown = shownSettings(config);
    const text = JSON.stringify(shown);
    for (const secret of ['secret-key', '/var/private', '/opt/secret', '/srv/work-root', 'private prompt']) expect(text).not.toContain(secret);
    const value = (flag: string) => shown.find((s) => s.flag === flag)?.value;
    expect(value('--api-key')).toBe('on (2 keys)');
    expect(value('--max-concurrent')).toBe('5');
    expect(value('--log-dir')).toBe('on');
    expect(value('--system-prompt')).toBe('custom');
    expect(value('--queue-timeout')).toBe('60 s');
    expect(value('--max-body')).toBe('32 MB');
  });
});

describe('page formatting', () => {
  test('times, tokens and endpoints', () => {
    expect(formatMs(null)).toBe('—');
    expect(formatMs(850.4)).toBe('850 ms');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatMs(125_000)).toBe('2 min 05 s');
    expect(formatTokens(null)).toBe('—');
    expect(shortEndpoint('POST /v1/chat/completions')).toBe('chat/completions');
    expect(shortEndpoint('DELETE /v1/responses/r1')).toBe('DELETE responses/r1');
  });
});

describe('client snippets', () => {
  const tricky: SnippetInput = {
    baseUrl: 'http://127.0.0.1:8000/v1',
    model: 'sonnet',
    system: `Say "it's" and \\n, then $HOME and \`date\``,
    message: "Line one\nLine 'two' — ünïcode",
    authRequired: true,
  };

  test('curl: one shell command whose body is the request, whatever the text holds', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-snippet-'));
    try {
      // Replace curl by a function that prints its -d argument, then run the snippet in bash.
      const script = `curl() { while [ $# -gt 0 ]; do if [ "$1" = -d ]; then printf '%s' "$2"; fi; shift; done; }\n${curlSnippet(tricky)}`;
      writeFileSync(path.join(dir, 'run.sh'), script);
      const body = JSON.parse(execFileSync('bash', [path.join(dir, 'run.sh')], { encoding: 'utf8', env: { PATH: process.env.PATH } })) as unknown;
      expect(body).toEqual({
        model: 'sonnet',
        stream: true,
        messages: [
          { role: 'system', content: tricky.system },
          { role: 'user', content: tricky.message },
        ],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(curlSnippet(tricky)).toContain('Authorization: Bearer $BRIDGE_API_KEY');
    expect(curlSnippet({ ...tricky, authRequired: false })).not.toContain('Authorization');
  });

  test('JavaScript: valid module source that reads the key from the environment', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-snippet-'));
    try {
      const file = path.join(dir, 'snippet.mjs');
      writeFileSync(file, javascriptSnippet(tricky));
      execFileSync(process.execPath, ['--check', file]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(javascriptSnippet(tricky)).toContain('apiKey: process.env.BRIDGE_API_KEY');
    expect(javascriptSnippet({ ...tricky, authRequired: false })).toContain("apiKey: 'not-needed'");
  });

  test('Python: the same request, the key from the environment', () => {
    const code = pythonSnippet(tricky);
    expect(code).toMatch(/^import os\n\nfrom openai import OpenAI\n/);
    expect(code).toContain('api_key=os.environ["BRIDGE_API_KEY"]');
    expect(code).toContain(`{"role": "system", "content": ${JSON.stringify(tricky.system)}},`);
    expect(code).toContain('stream=True,');
    expect(pythonSnippet({ ...tricky, authRequired: false, system: '' })).not.toContain('"system"');
  });
});
