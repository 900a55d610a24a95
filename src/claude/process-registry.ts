import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { SpawnedProcess, SpawnOptions } from '@anthropic-ai/claude-agent-sdk';

/** What a Claude Code process is doing for the bridge. */
export type ProcessRole = 'spare' | 'prestarted' | 'run' | 'session' | 'catalog';

export interface ProcessEntry {
  pid: number;
  role: ProcessRole;
  startedAt: number;
  /** Bytes of Claude Code's output the bridge has read. */
  outputBytes: number;
}

/**
 * A handle on one process, given to the code that starts it: the pid once
 * spawned, its role, and where its stderr goes (which may change as a spare
 * is claimed by one request after another).
 */
export class ProcessHandle {
  pid: number | undefined;
  /** The process has exited (or could not start). */
  exited = false;
  onStderr: (text: string) => void = () => undefined;
  private output: Readable | undefined;
  private held = false;

  constructor(
    private readonly registry: ProcessRegistry,
    private roleNow: ProcessRole,
  ) {}

  get role(): ProcessRole {
    return this.roleNow;
  }

  setRole(role: ProcessRole): void {
    this.roleNow = role;
    if (this.pid !== undefined) this.registry.update(this.pid, role);
  }

  /**
   * Stop reading the process's output (the client does not read its
   * answer): what Claude Code writes then waits in the pipe and in Claude
   * Code itself, not in the bridge. The SDK reads the output eagerly into a
   * queue of its own, so pausing the stream is the one place this can be done.
   */
  hold(): void {
    this.held = true;
    this.output?.pause();
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    this.output?.resume();
  }

  /** The process's stdout, once spawned. */
  watchOutput(output: Readable): void {
    this.output = output;
    if (this.held) output.pause();
  }
}

/**
 * Every Claude Code process the bridge starts goes through here (the SDK's
 * `spawnClaudeCodeProcess` hook, spawning exactly as the SDK itself does), so
 * the bridge always knows which processes are alive and what each is for:
 * for its metrics, its status page, and the tests that prove nothing leaks.
 */
export class ProcessRegistry {
  private readonly entries = new Map<number, ProcessEntry>();

  handle(role: ProcessRole): ProcessHandle {
    return new ProcessHandle(this, role);
  }

  /** The spawn hook for one process, bound to its handle. */
  spawner(handle: ProcessHandle): (options: SpawnOptions) => SpawnedProcess {
    return (options) => {
      const child = spawn(options.command, options.args, {
        cwd: options.cwd,
        env: options.env,
        signal: options.signal,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
      // The SDK waits for a process's exit from several places at once (its
      // reader, its cleanup, a spare's own watch); more than Node's default
      // ten listeners is expected here, not a leak.
      child.setMaxListeners(32);
      if (child.pid !== undefined) {
        const pid = child.pid;
        handle.pid = pid;
        const entry: ProcessEntry = { pid, role: handle.role, startedAt: Date.now(), outputBytes: 0 };
        this.entries.set(pid, entry);
        child.once('exit', () => this.entries.delete(pid));
        child.stdout.on('data', (chunk: Buffer) => (entry.outputBytes += chunk.length));
      }
      handle.watchOutput(child.stdout);
      child.once('exit', () => (handle.exited = true));
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (text: string) => handle.onStderr(text));
      child.on('error', () => (handle.exited = true));
      return child;
    };
  }

  update(pid: number, role: ProcessRole): void {
    const entry = this.entries.get(pid);
    if (entry) entry.role = role;
  }

  list(): ProcessEntry[] {
    return [...this.entries.values()];
  }

  /**
   * Wait for every process to be gone (each was told to end by its owner);
   * whatever is still there after `timeoutMs` is killed.
   */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.entries.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    for (const pid of this.entries.keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    while (this.entries.size > 0 && Date.now() < deadline + 1_000) await new Promise((r) => setTimeout(r, 25));
  }

  count(role?: ProcessRole): number {
    return role === undefined ? this.entries.size : this.list().filter((e) => e.role === role).length;
  }
}
