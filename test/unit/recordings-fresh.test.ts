import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, test } from 'vitest';
import { recording } from '../support/recordings.js';

// The translator tests and the in-memory tier replay these sequences as if
// Claude Code had just sent them; they are only true of the Claude Code that
// recorded them. The SDK names the version it bundles.
const sdkEntry = createRequire(import.meta.url).resolve('@anthropic-ai/claude-agent-sdk');
const bundled = (JSON.parse(readFileSync(path.join(path.dirname(sdkEntry), 'package.json'), 'utf8')) as { claudeCodeVersion: string }).claudeCodeVersion;
const names = readdirSync(new URL('../fixtures/sdk-sequences/', import.meta.url))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));

test('every recorded SDK sequence was recorded with the bundled Claude Code', () => {
  expect(names.length).toBeGreaterThan(0);
  const versions = names.map((name) => {
    const init = recording(name).find((m) => m.type === 'system' && m.subtype === 'init') as { claude_code_version?: string } | undefined;
    return { name, version: init?.claude_code_version ?? 'unknown (no init message)' };
  });
  const stale = versions.filter((v) => v.version !== bundled);
  expect(
    stale,
    `Recorded with another Claude Code than the bundled ${bundled}: ${stale.map((s) => `${s.name} (${s.version})`).join(', ')}. ` +
      'Re-record them with `npx tsx scripts/record-sdk-sequences.ts` and look at what changed.',
  ).toEqual([]);
});

test('the recorder starts runs with the production options, not options of its own', () => {
  const recorder = readFileSync(new URL('../../scripts/record-sdk-sequences.ts', import.meta.url), 'utf8');
  // The same functions build its options as build a cold run's in the bridge.
  for (const used of ['sessionOptions(', 'coldOptions(', 'startConversation(', 'new SdkMessageNormalizer(']) expect(recorder).toContain(used);
  const runner = readFileSync(new URL('../../src/claude/claude-runner.ts', import.meta.url), 'utf8');
  for (const used of ['sessionOptions(', 'coldOptions(', 'startConversation(']) expect(runner).toContain(used);
});
