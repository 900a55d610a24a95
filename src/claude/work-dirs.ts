import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';

/** What a folder is for: a request's run (or a model-list check), or where warm spares wait. */
export type WorkDirKind = 'run' | 'spares';

/**
 * The private, empty folders Claude Code runs in, made under the configured
 * root and removed after use. The bridge knows which are still in use, so an
 * exit that cannot wait (a second Ctrl-C, a crash) still removes them.
 */
export class WorkDirs {
  private readonly inUse = new Set<string>();

  constructor(private readonly root: string) {}

  async create(kind: WorkDirKind = 'run'): Promise<string> {
    const dir = await mkdtemp(path.join(this.root, `claude-code-bridge-${kind}-`));
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

  get count(): number {
    return this.inUse.size;
  }
}
