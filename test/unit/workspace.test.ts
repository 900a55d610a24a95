import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
    expect(statSync(cwd).mode & 0o777).toBe(0o500);
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
    const file = path.join(configDir, 'projects', `claude-code-bridge-${process.pid}`, `${SESSION}.jsonl`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ws.readTranscript(SESSION)).toEqual([{ type: 'user', uuid: 'a' }]);
    ws.track('6a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d');
    expect(ws.transcriptCount).toBe(2);
    ws.removeAllNow();
    expect(existsSync(file)).toBe(false);
    expect(ws.transcriptCount).toBe(0);
    expect(existsSync(ws.cwd)).toBe(false);
  });

  test("a start removes the transcripts of bridges that are gone, and only those; what was learned stays", () => {
    const { ws, configDir } = workspace('leftovers');
    const projects = path.join(configDir, 'projects');
    // A process that has ended: its id names no process now.
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const names = {
      dead: `claude-code-bridge-${gone}`,
      mine: `claude-code-bridge-${process.pid}`,
      otherLive: 'claude-code-bridge-1',
      learned: 'claude-code-bridge',
      usersOwn: '-home-someone-project',
    };
    for (const name of Object.values(names)) mkdirSync(path.join(projects, name), { recursive: true });
    writeFileSync(path.join(projects, names.dead, `${SESSION}.jsonl`), '{}\n');
    writeFileSync(ws.preambleFile, '{}');
    ws.prepare();
    expect(readdirSync(projects).sort()).toEqual([names.mine, names.otherLive, names.learned, names.usersOwn].sort());
    expect(readdirSync(path.join(projects, names.learned))).toEqual(['preamble.json']);
    // A bridge's transcripts are in the folder named for its process, so that the next one can tell.
    expect(ws.transcriptsDir).toBe(path.join(projects, names.mine));
  });

  test('only session ids name transcripts', () => {
    const { ws } = workspace('ids');
    expect(() => ws.writeTranscript('../../escape', [])).toThrow(/not a session id/);
  });
});
