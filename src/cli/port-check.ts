import net from 'node:net';
import { describeListenError, type ListenProblem } from './listen-problem.js';

export type PortCheck = { ok: true } | ({ ok: false; code: string | undefined } & ListenProblem);

/** Whether the server could listen on host:port right now (it listens, then lets go at once). */
export async function checkPort(host: string, port: number): Promise<PortCheck> {
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, resolve);
    });
    return { ok: true };
  } catch (err) {
    return { ok: false, code: (err as NodeJS.ErrnoException).code, ...describeListenError(err, host, port) };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * When the port is taken, it is often by a bridge started earlier: ask its
 * /health (briefly) so the report can say so. Undefined when it is not one.
 */
export async function runningBridgeVersion(host: string, port: number, timeoutMs = 1500): Promise<string | undefined> {
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  try {
    const res = await fetch(`http://${shownHost}:${port}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json()) as { bridge?: { version?: unknown } };
    return typeof body.bridge?.version === 'string' ? body.bridge.version : undefined;
  } catch {
    return undefined;
  }
}
