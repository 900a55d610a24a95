import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { WorkDirs } from '../../src/claude/work-dirs.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-workdirs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('WorkDirs', () => {
  test('each folder is new, empty and private to the user running the bridge', async () => {
    const dirs = new WorkDirs(root);
    const a = await dirs.create();
    const b = await dirs.create();
    expect(a).not.toBe(b);
    for (const dir of [a, b]) {
      expect(path.dirname(dir)).toBe(root);
      expect(readdirSync(dir)).toEqual([]);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    }
    expect(dirs.count).toBe(2);
    writeFileSync(path.join(a, 'left-by-claude.txt'), 'x');
    await dirs.remove(a);
    expect(existsSync(a)).toBe(false);
    expect(dirs.count).toBe(1);
    await dirs.remove(b);
  });

  test('an exit that cannot wait removes every folder still in use, synchronously', async () => {
    const dirs = new WorkDirs(root);
    const made = [await dirs.create(), await dirs.create('spares')];
    writeFileSync(path.join(made[0]!, 'file'), 'x');
    dirs.removeAllNow();
    expect(made.filter((d) => existsSync(d))).toEqual([]);
    expect(dirs.count).toBe(0);
    expect(readdirSync(root)).toEqual([]);
  });

  test("a new start removes the folders of bridges that are gone, and only those", async () => {
    const leftovers = path.join(root, 'leftovers');
    mkdirSync(leftovers);
    // A process that has ended: its id names no process now.
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const names = {
      deadRun: `claude-code-bridge-run-${gone}-AbC123`,
      deadSpares: `claude-code-bridge-spares-${gone}-xYz789`,
      mine: `claude-code-bridge-run-${process.pid}-Mine00`,
      otherLive: `claude-code-bridge-run-1-Init00`,
      oldStyle: 'claude-code-bridge-run-Old000',
      unrelated: 'something-else',
    };
    for (const name of Object.values(names)) mkdirSync(path.join(leftovers, name));
    writeFileSync(path.join(leftovers, names.deadRun, 'left-by-claude.txt'), 'x');

    const removed = await new WorkDirs(leftovers).removeLeftovers();
    expect(removed.map((d) => path.basename(d)).sort()).toEqual([names.deadRun, names.deadSpares].sort());
    expect(readdirSync(leftovers).sort()).toEqual([names.mine, names.otherLive, names.oldStyle, names.unrelated].sort());
    // The folders a bridge makes are named so that the next one can tell.
    const made = await new WorkDirs(leftovers).create('run');
    expect(path.basename(made)).toMatch(new RegExp(`^claude-code-bridge-run-${process.pid}-[A-Za-z0-9]{6}$`));
  });
});
