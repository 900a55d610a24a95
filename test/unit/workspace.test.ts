import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Workspace } from '../../src/claude/workspace.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-workspace-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function workspace(name: string): { ws: Workspace; workRoot: string; configDir: string } {
  const workRoot = path.join(root, name, 'work');
  const configDir = path.join(root, name, 'config');
  mkdirSync(workRoot, { recursive: true });
  return { ws: new Workspace(workRoot, { CLAUDE_CONFIG_DIR: configDir }), workRoot, configDir };
}

const SESSION = '0d8f3b1e-5f0c-4d55-9a43-2f0d7f2c7e11';

describe('Workspace', () => {
  test('one working folder for every run: the same path each time, empty and read-only', () => {
    const { ws, workRoot } = workspace('folder');
    const cwd = ws.prepare();
    expect(path.dirname(cwd)).toBe(workRoot);
    expect(ws.runFolder()).toBe(cwd);
    expect(new Workspace(workRoot, {}).cwd).toBe(cwd);
    expect(readdirSync(cwd)).toEqual([]);
    expect(statSync(cwd).mode & 0o777).toBe(0o555);
    // Another bridge of the same user may remove it on its way out; the next run makes it again.
    ws.removeFolder();
    expect(existsSync(cwd)).toBe(false);
    expect(ws.runFolder()).toBe(cwd);
    expect(existsSync(cwd)).toBe(true);
  });

  test('a working folder that is not empty stops the start-up, naming --work-root', () => {
    const { ws } = workspace('dirty');
    mkdirSync(ws.cwd, { recursive: true });
    writeFileSync(path.join(ws.cwd, 'planted'), 'x');
    expect(() => ws.prepare()).toThrow(/not empty.*--work-root/);
  });

  test('transcripts live in the bridge folder of Claude Code\'s projects until removed, and all go on an abrupt exit', () => {
    const { ws, configDir } = workspace('transcripts');
    ws.prepare();
    ws.writeTranscript(SESSION, [{ type: 'user', uuid: 'a' }]);
    const file = path.join(configDir, 'projects', 'claude-code-bridge', `${SESSION}.jsonl`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ws.readTranscript(SESSION)).toEqual([{ type: 'user', uuid: 'a' }]);
    ws.track('6a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d');
    expect(ws.transcriptCount).toBe(2);
    ws.removeAllNow();
    expect(existsSync(file)).toBe(false);
    expect(ws.transcriptCount).toBe(0);
    expect(existsSync(ws.cwd)).toBe(false);
  });

  test('transcripts a crashed bridge left a day ago are swept at start-up; what was learned stays', () => {
    const { ws } = workspace('sweep');
    mkdirSync(ws.transcriptsDir, { recursive: true });
    const old = path.join(ws.transcriptsDir, `${SESSION}.jsonl`);
    const recent = path.join(ws.transcriptsDir, '6a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d.jsonl');
    for (const file of [old, recent, ws.preambleFile]) writeFileSync(file, '{}\n');
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    utimesSync(old, dayAgo, dayAgo);
    utimesSync(ws.preambleFile, dayAgo, dayAgo);
    ws.prepare();
    expect(readdirSync(ws.transcriptsDir).sort()).toEqual([path.basename(recent), 'preamble.json'].sort());
  });

  test('only session ids name transcripts', () => {
    const { ws } = workspace('ids');
    expect(() => ws.writeTranscript('../../escape', [])).toThrow(/not a session id/);
  });
});
