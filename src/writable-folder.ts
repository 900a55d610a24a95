import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Make sure a folder exists (creating it when asked) and that a file can be
 * written in it, by writing one: permission bits alone say nothing for root,
 * nor for a read-only mount. Resolves with nothing, or rejects with a
 * sentence saying what is wrong with the folder.
 */
export async function requireWritableFolder(dir: string, options: { create: boolean; mode?: number }): Promise<void> {
  try {
    if (options.create) await mkdir(dir, { recursive: true, ...(options.mode === undefined ? {} : { mode: options.mode }) });
    const info = await stat(dir);
    if (!info.isDirectory()) throw new Error(`${dir} is not a folder`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`the folder ${dir} does not exist`, { cause: err });
    if (code === 'ENOTDIR' || code === 'EEXIST') throw new Error(`${dir} is not a folder`, { cause: err });
    throw new Error(`cannot use the folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const probe = path.join(dir, `.claude-code-bridge-write-test-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(probe, '');
  } catch (err) {
    throw new Error(`cannot write in the folder ${dir}: ${(err as Error).message}`, { cause: err });
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}
