import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One exchange between a client and the bridge, as it went over the wire. */
export interface WireExchange {
  method: string;
  path: string;
  status: number;
  /** The request body, parsed when it was JSON. */
  body: unknown;
  /** The bridge's response headers. */
  headers: http.IncomingHttpHeaders;
  /** The response body when it was not a stream (an error's text, say). */
  text: string;
}

/**
 * A reverse proxy on 127.0.0.1 in front of the bridge that records every
 * request a client makes and the status the bridge answered with, so a test
 * of a real client can check what it sent and that nothing was refused.
 * Streams pass through untouched, chunk by chunk.
 */
export class WireRecorder {
  readonly exchanges: WireExchange[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<import('node:net').Socket>();
  url = '';

  constructor(private readonly target: string) {}

  /** Exchanges whose status was 400 or more. */
  get failures(): WireExchange[] {
    return this.exchanges.filter((e) => e.status >= 400);
  }

  /** Recorded exchanges on one route (e.g. `/v1/responses`). */
  on(path: string): WireExchange[] {
    return this.exchanges.filter((e) => e.path === path);
  }

  async start(): Promise<void> {
    const target = new URL(this.target);
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('error', () => res.destroy());
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        let body: unknown = raw.toString('utf8');
        try {
          body = JSON.parse(body as string);
        } catch {
          // not JSON: kept as text
        }
        const upstream = http.request(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
          (answer) => {
            const exchange: WireExchange = {
              method: req.method ?? 'GET',
              path: (req.url ?? '/').split('?')[0]!,
              status: answer.statusCode ?? 0,
              body,
              headers: answer.headers,
              text: '',
            };
            this.exchanges.push(exchange);
            const streamed = String(answer.headers['content-type'] ?? '').includes('event-stream');
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.on('data', (chunk: Buffer) => {
              if (!streamed && exchange.text.length < 64_000) exchange.text += chunk.toString('utf8');
              res.write(chunk);
            });
            answer.on('end', () => res.end());
            answer.on('error', () => res.destroy());
          },
        );
        upstream.on('error', () => res.destroy());
        res.on('close', () => {
          if (!res.writableFinished) upstream.destroy();
        });
        upstream.end(raw);
      });
    });
    this.server.on('connection', (socket) => {
      // A client that leaves mid-answer resets its connection; that is its right, not a failure here.
      socket.on('error', () => {});
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.exchanges.length = 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
