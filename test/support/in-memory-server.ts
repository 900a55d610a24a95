import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { InMemoryBridge } from './in-memory-bridge.js';

export interface ServedBridge {
  /** The bridge's root URL on loopback (no /v1). */
  url: string;
  close(): Promise<void>;
}

/**
 * The in-memory bridge's app on a loopback port, for a client that can only
 * speak HTTP from its own process (a CLI): the bridge's whole HTTP stack with
 * replayed runs, and no Claude Code.
 */
export async function serveInMemory(bridge: InMemoryBridge): Promise<ServedBridge> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: bridge.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
