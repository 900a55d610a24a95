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
