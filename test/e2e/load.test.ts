import { afterAll, beforeAll, expect, test } from 'vitest';
import { jsonOf } from '../support/http.js';
import { waitForNoRuns } from '../support/processes.js';
import { postSse } from '../support/sse.js';
import { scriptedHandler } from '../support/scripted.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ flags: { maxConcurrent: '4', maxQueue: '100' } });
  stack.fake.setHandler(scriptedHandler);
});
afterAll(async () => {
  await stack?.close();
});

// Twice as many requests as may run at once, so that half of them queue: the concurrency is what is
// tested, not a count (each request is a Claude Code start, the suite's main cost on two cores).
const COUNT = 8;

test('twice MAX_CONCURRENT requests at once on loopback: every answer is its own, limits hold, nothing leaks', async () => {
  let maxActive = 0;
  let maxQueued = 0;
  const sampler = setInterval(() => {
    const { active, queued } = stack.server.limiter.stats();
    maxActive = Math.max(maxActive, active);
    maxQueued = Math.max(maxQueued, queued);
  }, 10);
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: COUNT }, async (_, i) => {
      const prompt = `SLOW 20 request-${i} ${'word '.repeat(i % 7)}end-${i}`;
      const expected = prompt.split(' ').slice(2).join(' ');
      // Plain answers, raw streams, and streams read by the openai client, side by side.
      if (i % 3 === 0) {
        const res = await fetch(`${stack.baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'haiku', messages: [{ role: 'user', content: prompt }] }),
        });
        return { expected, got: (await jsonOf(res)).choices[0].message.content as string };
      }
      if (i % 3 === 1) {
        const stream = await stack.openai.chat.completions.create({ model: 'haiku', stream: true, messages: [{ role: 'user', content: prompt }] });
        let got = '';
        for await (const chunk of stream) got += chunk.choices[0]?.delta.content ?? '';
        return { expected, got };
      }
      const raw = await postSse(`${stack.baseURL}/chat/completions`, { model: 'haiku', stream: true, messages: [{ role: 'user', content: prompt }] });
      expect(raw.events.at(-1)!.data).toBe('[DONE]');
      const got = raw.events
        .slice(0, -1)
        .map((e) => JSON.parse(e.data).choices[0]?.delta.content ?? '')
        .join('');
      return { expected, got };
    }),
  );
  clearInterval(sampler);
  for (const { expected, got } of results) expect(got).toBe(expected);
  expect(maxActive).toBeLessThanOrEqual(4);
  expect(maxActive).toBeGreaterThan(1);
  // More came than could run: some waited their turn.
  expect(maxQueued).toBeGreaterThan(0);
  expect(stack.fake.messageRequests).toHaveLength(COUNT);
  expect(Date.now() - started).toBeLessThan(120_000);
  await waitForNoRuns(stack.server.registry);
  expect(stack.server.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
});

test('a long answer (5,000 deltas) arrives whole and in order', async () => {
  const words = Array.from({ length: 5000 }, (_, i) => `w${i}`);
  stack.fake.setHandler(() => ({ blocks: [{ type: 'text', text: words.map((w) => `${w} `) }] }));
  const raw = await postSse(`${stack.baseURL}/chat/completions`, { model: 'haiku', stream: true, messages: [{ role: 'user', content: 'long' }] });
  const text = raw.events
    .slice(0, -1)
    .map((e) => JSON.parse(e.data).choices[0]?.delta.content ?? '')
    .join('');
  expect(text).toBe(words.map((w) => `${w} `).join(''));
  stack.fake.setHandler(scriptedHandler);
});
