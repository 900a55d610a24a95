import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { useStack } from '../support/stack.js';

// Short limits, so that each is reached in a second or two; counts stay small and everything is on loopback.
const stack = useStack({ flags: { headerTimeoutMs: '1', bodyTimeoutMs: '2', maxConnections: '4' } });

/** Longest a test waits for the server to act on a limit before calling it not enforced. */
const DEADLINE_MS = 15_000;

interface Connection {
  socket: net.Socket;
  /** Everything the server sent. */
  received(): string;
  /** Resolves when the connection is closed, with whether the server closed it (we never do first). */
  closed: Promise<{ afterMs: number }>;
}

function connect(): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(stack.server.port, '127.0.0.1');
    const opened = Date.now();
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => undefined);
    const closed = new Promise<{ afterMs: number }>((done) => socket.on('close', () => done({ afterMs: Date.now() - opened })));
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

/** The connection's close, or a failure if the server has not closed it by the deadline. */
async function closedByServer(connection: Connection): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the server kept the connection open')), DEADLINE_MS)));
  try {
    return (await Promise.race([connection.closed, late])).afterMs;
  } finally {
    clearTimeout(timer);
    connection.socket.destroy();
  }
}

describe('connections are not held by clients that send nothing or dribble', () => {
  test('a connection that never sends a request is closed after --header-timeout', async () => {
    const idle = await connect();
    await closedByServer(idle);
    expect(idle.received()).not.toContain('200 OK');
  });

  test('headers sent a byte at a time are cut off after --header-timeout', async () => {
    const slow = await connect();
    const request = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ' + 'a'.repeat(200);
    let sent = 0;
    const drip = setInterval(() => {
      if (sent < request.length && !slow.socket.destroyed) slow.socket.write(request[sent++]!);
    }, 50);
    try {
      await closedByServer(slow);
    } finally {
      clearInterval(drip);
    }
    expect(slow.received()).not.toContain('200 OK');
  });

  test('a body dribbled a byte at a time gets 408 and the connection closed after --body-timeout, and runs nothing', async () => {
    const slow = await connect();
    slow.socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const drip = setInterval(() => {
      if (!slow.socket.destroyed) slow.socket.write(' ');
    }, 100);
    try {
      await closedByServer(slow);
    } finally {
      clearInterval(drip);
    }
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(stack.fake.messageRequests).toHaveLength(0);
  });

  test('an idle keep-alive connection is closed once its advertised timeout has passed', async () => {
    const client = await connect();
    client.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const answered = await new Promise<string>((resolve) => {
      const check = () => (client.received().includes('\r\n\r\n{') && client.received().trimEnd().endsWith('}') ? resolve(client.received()) : setTimeout(check, 10));
      check();
    });
    expect(answered).toMatch(/^HTTP\/1\.1 200/);
    expect(answered).toMatch(/Keep-Alive: timeout=5/i);
    await closedByServer(client);
  });

  test('beyond --max-connections a new connection is closed at once; a freed place is taken again', async () => {
    // Live event streams of the status page: busy connections, which no timeout ends.
    const streams: Connection[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await connect();
      c.socket.write('GET /bridge/api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      streams.push(c);
    }
    for (const c of streams) {
      await new Promise<void>((resolve) => {
        const check = () => (c.received().includes('event: activity') ? resolve() : setTimeout(check, 10));
        check();
      });
    }
    const extra = await connect();
    extra.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await closedByServer(extra);
    expect(extra.received()).toBe('');

    streams.shift()!.socket.destroy();
    await new Promise<void>((resolve) => {
      const retry = async () => {
        const res = await fetch(`${stack.server.url}/health`).catch(() => undefined);
        if (res?.status === 200) resolve();
        else setTimeout(retry, 50);
      };
      void retry();
    });
    for (const c of streams) c.socket.destroy();
  });
});
