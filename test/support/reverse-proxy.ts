import http from 'node:http';
import type { AddressInfo } from 'node:net';
import httpProxy from 'http-proxy';
import { NGINX, nginxInstalled, readmeNginxLocation, startNginx } from './nginx.js';

export interface ReverseProxy {
  url: string;
  /** Which proxy runs, for the test's output. */
  kind: string;
  stop(): Promise<void>;
}

/**
 * A reverse proxy in front of `target` that gives up on an upstream silent
 * for longer than `readTimeoutMs`, as proxies do. The real nginx with the
 * `location` block of docs/streaming.md when nginx is installed (.ci/run installs it);
 * otherwise a Node proxy (http-proxy) with the same idle read timeout, so
 * that the tests still prove streams survive a proxy's timeout on a machine
 * with nothing installed by hand.
 */
export async function startReverseProxy(target: string, readTimeoutMs: number): Promise<ReverseProxy> {
  if (nginxInstalled) {
    const location = readmeNginxLocation()
      .replace('http://127.0.0.1:8000', target)
      .replace(/proxy_read_timeout\s+\S+;/, `proxy_read_timeout ${readTimeoutMs}ms;`);
    if (!location.includes(`proxy_read_timeout ${readTimeoutMs}ms;`)) throw new Error("the nginx block of docs/streaming.md has no proxy_read_timeout to set");
    const nginx = await startNginx(location);
    return { url: nginx.url, kind: `nginx (${NGINX}) with the location block of docs/streaming.md`, stop: () => nginx.stop() };
  }
  return startNodeProxy(target, readTimeoutMs);
}

async function startNodeProxy(target: string, readTimeoutMs: number): Promise<ReverseProxy> {
  // changeOrigin: the bridge gets its own address as Host, as from nginx's proxy_pass.
  const proxy = httpProxy.createProxyServer({ target, changeOrigin: true, proxyTimeout: readTimeoutMs });
  proxy.on('error', (_err, _req, res) => {
    // As nginx does: a 504 if nothing was sent yet, otherwise the client's connection is cut.
    if (!(res instanceof http.ServerResponse)) return res.destroy();
    if (res.headersSent) res.destroy();
    else res.writeHead(504, { 'content-type': 'text/plain' }).end('upstream timed out');
  });
  const server = http.createServer((req, res) => proxy.web(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    kind: `a Node reverse proxy (http-proxy, proxyTimeout ${readTimeoutMs} ms), since nginx is not installed at ${NGINX}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      proxy.close();
    },
  };
}
