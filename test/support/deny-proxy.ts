import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP(S) proxy on 127.0.0.1 that refuses everything and remembers what
 * was asked of it. Clients under test are started with it as their proxy
 * (and loopback exempt), so any attempt to reach the network beyond
 * loopback (telemetry, update checks, model lists, plugin installs) is
 * refused and recorded, and a test can require that there was none.
 */
export class DenyProxy {
  /** `CONNECT host:port` or `METHOD url`, in the order they came. */
  readonly attempts: string[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<import('node:net').Socket>();
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.attempts.push(`${req.method} ${req.url}`);
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('network access is refused in tests');
    });
    this.server.on('connect', (req: http.IncomingMessage, socket: import('node:net').Socket) => {
      this.attempts.push(`CONNECT ${req.url}`);
      socket.on('error', () => {});
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
    this.server.on('connection', (socket) => {
      // A client that gives up on a refused connection may reset it.
      socket.on('error', () => {});
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Environment that sends a client's traffic through this proxy, loopback excepted. */
  env(): Record<string, string> {
    const loopback = '127.0.0.1,localhost,::1';
    return {
      HTTP_PROXY: this.url,
      HTTPS_PROXY: this.url,
      ALL_PROXY: this.url,
      http_proxy: this.url,
      https_proxy: this.url,
      all_proxy: this.url,
      NO_PROXY: loopback,
      no_proxy: loopback,
    };
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
