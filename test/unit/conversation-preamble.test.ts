import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ConversationPreamble, localDate } from '../../src/claude/conversation-preamble.js';
import { buildTranscript } from '../../src/claude/transcript.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-preamble-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const environment = { type: 'environment', snapshot: { workingDirectory: '/w', platform: 'linux', shell: 'bash' } };
const model = { type: 'model', identity: { modelId: 'claude-sonnet-5-5', marketingName: 'Sonnet 5.5' }, text: 'You are powered by Sonnet 5.5.' };
/** A transcript as Claude Code writes one: the notes after the first message. */
const written = [
  { type: 'user', message: { role: 'user', content: 'hi' } },
  { type: 'attachment', attachment: environment },
  { type: 'attachment', attachment: model },
  { type: 'attachment', attachment: { type: 'date', date: '2026-11-30' } },
  { type: 'assistant', message: { role: 'assistant', content: [] } },
];

describe("Claude Code's conversation notes", () => {
  test('are learned from a transcript Claude Code wrote, per model, and kept across restarts', () => {
    const file = path.join(dir, 'preamble.json');
    const preamble = new ConversationPreamble(file);
    expect(preamble.attachments('claude-sonnet-5-5')).toBeUndefined();
    preamble.learn(written);
    const now = new Date(2026, 11, 1, 9);
    expect(preamble.attachments('claude-sonnet-5-5', now)).toEqual([environment, model, { type: 'date', date: '2026-12-01' }]);
    // Another model's name is not known yet: its notes are left to Claude Code.
    expect(preamble.attachments('claude-haiku-5-5')).toBeUndefined();
    expect(new ConversationPreamble(file).attachments('claude-sonnet-5-5', now)).toEqual([environment, model, { type: 'date', date: '2026-12-01' }]);
  });

  test('a date is the local date, as Claude Code writes it', () => {
    expect(localDate(new Date(2026, 0, 5, 23, 30))).toBe('2026-01-05');
  });

  test('go after the first message of a synthesised transcript, chained like the turns', () => {
    let n = 0;
    const entries = buildTranscript(
      [
        { role: 'user', content: [{ type: 'text', text: 'one' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'two' }] },
      ],
      { sessionId: 's', cwd: '/w', version: 'v', preamble: [environment, model], newId: () => `id${++n}` },
    );
    expect(entries.map((e) => [e.type, e.uuid, e.parentUuid])).toEqual([
      ['user', 'id1', null],
      ['attachment', 'id2', 'id1'],
      ['attachment', 'id3', 'id2'],
      ['assistant', 'id4', 'id3'],
    ]);
    expect(entries[1]).toMatchObject({ attachment: environment, cwd: '/w', sessionId: 's' });
  });
});
