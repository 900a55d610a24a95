/**
 * What a failure to listen means for a person, and what to do about it.
 * Shared by the server's start-up and `doctor`, so both say the same thing.
 */
export interface ListenProblem {
  problem: string;
  fix: string;
}

export function describeListenError(err: unknown, host: string, port: number): ListenProblem {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return {
        problem: `port ${port} on ${host} is already in use`,
        fix: `stop whatever listens on ${where}, or choose another port with --port <n> (or PORT=<n>); --port 0 picks a free one`,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        problem: `not allowed to listen on ${where}`,
        fix: 'ports below 1024 need extra privileges: choose a port from 1024 up with --port <n> (or PORT=<n>)',
      };
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        problem: `${host} is not an address of this machine`,
        fix: 'choose an address this machine has with --host (127.0.0.1 for this machine only, 0.0.0.0 for every interface)',
      };
    default:
      return {
        problem: `cannot listen on ${where}: ${(err as Error | undefined)?.message ?? String(err)}`,
        fix: 'check --host and --port (or HOST and PORT)',
      };
  }
}
