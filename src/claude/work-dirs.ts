import { rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/** What a folder is for: a request's run (or a model-list check), or where warm spares wait. */
export type WorkDirKind = 'run' | 'spares';

/** `claude-code-bridge-<kind>-<pid of the bridge that made it>-<random>`. */
const OWNED_NAME = /^claude-code-bridge-(?:run|spares)-(\d+)-[A-Za-z0-9]{6}$/;

/** Whether a process with this id exists (one of another user's counts: it is not ours to judge). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * The private, empty folders Claude Code runs in, made under the configured
 * root and removed after use. The bridge knows which are still in use, so an
 * exit that cannot wait (a second Ctrl-C, a crash) still removes them. Each
 * name carries the bridge's process id, so that a bridge that could not
 * clean up at all (killed with SIGKILL, out of memory) has its folders
 * removed by the next one to start: only folders whose bridge is gone.
 */
export class WorkDirs {
  private readonly inUse = new Set<string>();

  constructor(private readonly root: string) {}

  async create(kind: WorkDirKind = 'run'): Promise<string> {
    const dir = await mkdtemp(path.join(this.root, `claude-code-bridge-${kind}-${process.pid}-`));
    this.inUse.add(dir);
    return dir;
  }

  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    this.inUse.delete(dir);
  }

  /** Remove every folder still in use, synchronously: for a process about to exit. */
  removeAllNow(): void {
    for (const dir of this.inUse) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // nothing more can be done on the way out
      }
    }
    this.inUse.clear();
  }

  /**
   * Remove the folders bridges that are no longer running left under the
   * root. A folder whose bridge still runs (this one, or another sharing the
   * root) stays, as does any folder not named the way this version names
   * them. Returns the folders removed.
   */
  async removeLeftovers(): Promise<string[]> {
    const removed: string[] = [];
    for (const name of await readdir(this.root)) {
      const owner = OWNED_NAME.exec(name)?.[1];
      if (owner === undefined || Number(owner) === process.pid || processExists(Number(owner))) continue;
      const dir = path.join(this.root, name);
      await rm(dir, { recursive: true, force: true }).then(
        () => removed.push(dir),
        () => undefined,
      );
    }
    return removed;
  }

  get count(): number {
    return this.inUse.size;
  }
}
