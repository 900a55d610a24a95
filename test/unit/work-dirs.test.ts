import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
});
