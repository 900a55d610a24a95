import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Claude Code processes started by this test process (its direct children that run a `claude` executable). */
export function claudeChildren(): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  const pids: number[] = [];
  for (const line of out.split('\n')) {
    const [pid, ppid, command, script] = line.trim().split(/\s+/);
    if (Number(ppid) !== process.pid || !command) continue;
    const program = path.basename(command) === 'node' && script ? script : command;
    if (/claude/.test(path.basename(program))) pids.push(Number(pid));
  }
  return pids;
}

/** Wait until no Claude Code child is left, or fail after `timeoutMs`. */
export async function waitForNoClaudeChildren(timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = claudeChildren();
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`Claude Code processes still running: ${left.join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Processes (any parent) whose environment has HOME set to `home`: the Claude Code processes of one test's bridge. */
export function processesWithHome(home: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (environ.split('\0').includes(`HOME=${home}`)) pids.push(Number(entry));
    } catch {
      // gone already, or not ours to read
    }
  }
  return pids;
}

/** Every process below `pid` (children, grandchildren, …). */
export function descendants(pid: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' });
  const children = new Map<number, number[]>();
  for (const line of out.trim().split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Wait until none of `pids` is alive, or fail after `timeoutMs`. */
export async function waitForGone(pids: number[], timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`processes still running: ${left.join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether a process is still alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface RegistryLike {
  list(): Array<{ pid: number; role: string }>;
}

/**
 * Wait until no Claude Code process of the bridge is running a request
 * (warm spares and parked conversations may stay), and the processes that
 * were gone from the registry are gone from the system too.
 */
export async function waitForNoRuns(registry: RegistryLike, timeoutMs = 5000): Promise<void> {
  const seen = new Set(registry.list().filter((e) => e.role === 'run').map((e) => e.pid));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const e of registry.list()) if (e.role === 'run') seen.add(e.pid);
    const running = registry.list().filter((e) => e.role === 'run');
    const lingering = [...seen].filter((pid) => alive(pid) && !registry.list().some((e) => e.pid === pid && e.role !== 'run'));
    if (running.length === 0 && lingering.length === 0) return;
    if (Date.now() > deadline) throw new Error(`Claude Code runs still going: ${[...running.map((e) => e.pid), ...lingering].join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Whether a process is still running: alive and not a zombie. A process
 * whose parent was killed is adopted by init, which may take a while to
 * reap it; until then it exists, ended, as a zombie.
 */
export function running(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
