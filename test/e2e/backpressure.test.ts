import http from 'node:http';
import { createParser } from 'eventsource-parser';
import { expect, test } from 'vitest';
import { useStack } from '../support/stack.js';
import { until } from '../support/wait.js';

// A client that stops reading must not make the bridge buffer the answer:
// the bridge stops reading from Claude Code, whose output waits in the pipe
// and in Claude Code itself, until the client reads again.
const stack = useStack();

const PIECES = 1_000;
const piece = (i: number) => `${String(i).padStart(5, '0')}${'x'.repeat(8_000 - 6)} `;

/** Bytes of Claude Code's output the bridge has read so far. */
const readFromClaude = () => stack.server.registry.list().reduce((sum, entry) => sum + entry.outputBytes, 0);

/**
 * Wait until the bridge has stopped reading: its count stays the same for
 * `quietMs`. Not a measure of speed: a bridge that keeps reading shows it by
 * reading on, long before the deadline.
 */
async function readingStopped(quietMs = 2_000): Promise<number> {
  let last = readFromClaude();
  let since = Date.now();
  await until(() => {
    const now = readFromClaude();
    if (now !== last) [last, since] = [now, Date.now()];
    return Date.now() - since >= quietMs;
  }, 'the bridge stops reading from Claude Code', 60_000);
  return last;
}

test('a client that does not read holds Claude Code back; when it reads again it gets the whole answer, in order', async () => {
  // An answer of about 8 MB, which Claude Code receives at once.
  stack.fake.reply({ blocks: [{ type: 'text', text: Array.from({ length: PIECES }, (_, i) => piece(i)) }] });
  const url = new URL(stack.baseURL);
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' } },
      resolve,
    );
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'haiku', stream: true, messages: [{ role: 'user', content: 'a long one' }] }));
  });
  expect(res.statusCode).toBe(200);
  let text = '';
  res.setEncoding('utf8');
  const first = await new Promise<string>((resolve) => res.once('data', resolve));
  text += first;
  // The client stops reading. Claude Code has the whole answer to give.
  res.pause();
  await until(() => stack.fake.finishedMessages.length === 1, 'the upstream has sent the whole answer');
  const whilePaused = await readingStopped();

  res.on('data', (chunk: string) => (text += chunk));
  res.resume();
  await new Promise((resolve) => res.on('end', resolve));
  const total = readFromClaude();
  // Paused, the bridge read what the connection took (the kernel's socket buffers, a few MB on
  // loopback) and a bounded amount more, not the answer: Claude Code's output is about 3× the text.
  expect(whilePaused).toBeLessThan(total / 2);

  const deltas: string[] = [];
  const parser = createParser({
    onEvent: (event) => {
      if (event.data === '[DONE]') return;
      const content = JSON.parse(event.data).choices?.[0]?.delta?.content;
      if (content) deltas.push(content);
    },
  });
  parser.feed(text);
  expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  expect(deltas.join('')).toBe(Array.from({ length: PIECES }, (_, i) => piece(i)).join(''));
});
