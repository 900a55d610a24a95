import { expect, test } from 'vitest';
import { tapEvents, withHead } from '../../src/core/event-stream.js';

async function* numbers(n: number, log: string[]): AsyncGenerator<number> {
  try {
    for (let i = 1; i <= n; i++) yield i;
    throw new Error('no more');
  } finally {
    log.push('source ended');
  }
}

async function readAll<T>(events: AsyncIterable<T>): Promise<{ seen: T[]; error: unknown }> {
  const seen: T[] = [];
  try {
    for await (const event of events) seen.push(event);
  } catch (error) {
    return { seen, error };
  }
  return { seen, error: undefined };
}

test('tapEvents shows each event as it passes, and passes the source failure on', async () => {
  const log: string[] = [];
  const tapped: number[] = [];
  const { seen, error } = await readAll(tapEvents(numbers(3, log), (n) => tapped.push(n)));
  expect(seen).toEqual([1, 2, 3]);
  expect(tapped).toEqual([1, 2, 3]);
  expect((error as Error).message).toBe('no more');
  expect(log).toEqual(['source ended']);
});

test('withHead gives the first result already read, then the rest', async () => {
  const log: string[] = [];
  const source = numbers(3, log);
  const head = source.next();
  const { seen } = await readAll(withHead(head, source));
  expect(seen).toEqual([1, 2, 3]);
});

test('leaving early ends the source, and the head is not given after that', async () => {
  const log: string[] = [];
  const source = numbers(3, log);
  await source.next();
  const events = withHead(source.next(), source);
  expect(await events.return(undefined)).toEqual({ done: true, value: undefined });
  expect(log).toEqual(['source ended']);
  expect(await events.next()).toEqual({ done: true, value: undefined });
});
