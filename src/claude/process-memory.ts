import { readFileSync } from 'node:fs';

/**
 * A process's resident memory in bytes, from Linux's /proc; undefined where
 * there is no /proc (macOS) or the process is gone.
 */
export function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}
