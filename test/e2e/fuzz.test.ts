import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { IGNORED_HEADER } from '../../src/http/ignored-header.js';
import { assertResponseStreamEvent, assertSchema } from '../support/openai-schema.js';
import { waitForNoRuns } from '../support/processes.js';
import { rawRequest } from '../support/raw-http.js';
import { useStack } from '../support/stack.js';

/**
 * Random and hostile bodies over every POST route, as an adversary would
 * send them: whatever a client sends, the bridge answers in the route's own
 * shape, never with a 5xx of its own, and every concurrency slot and queue
 * place is given back. Bounded: a fixed number of cases per route, most of
 * them refused before Claude Code starts, a few run for real (against the
 * fake upstream), with hostile extra keys. FUZZ_SEED replays a run.
 */
const stack = useStack({ flags: { maxConcurrent: '2', maxQueue: '20' } });
beforeAll(async () => {
  await stack.server.catalog.list();
});

const CASES = Number(process.env.FUZZ_CASES ?? 200);
/** A failure prints its seed and path; FUZZ_SEED and FUZZ_PATH replay exactly that case. */
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const replayPath = process.env.FUZZ_PATH;

type Route = 'chat' | 'messages' | 'count_tokens' | 'responses';
const PATHS: Record<Route, string> = {
  chat: '/v1/chat/completions',
  messages: '/v1/messages',
  count_tokens: '/v1/messages/count_tokens',
  responses: '/v1/responses',
};

/** Keys no header, log or object should trip over. */
const hostileKey = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'prix_€', '日本', 'lone\uD800surrogate', '\uDC00', 'a,b', '%ff', 'x\r\ny', ''),
  fc.nat({ max: 3_000 }).map((n) => 'k'.repeat(n)),
);

/** Any JSON value, shallow or nested, with hostile keys and strings. */
const anyJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1e308, -0, 0.5, '', 'null', '{}', 'data:image/png;base64,AAAA', '@/etc/passwd', '/help'),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const content = fc.oneof(
  fc.string({ maxLength: 30 }),
  anyJson,
  fc.array(fc.record({ type: fc.constantFrom('text', 'image_url', 'image', 'input_text', 'input_image', 'tool_result', 'video'), text: fc.string({ maxLength: 10 }) }), { maxLength: 3 }),
);
const message = fc.record(
  { role: fc.oneof(fc.constantFrom('user', 'assistant', 'system', 'developer', 'tool', 'function'), fc.string({ maxLength: 8 })), content },
  { requiredKeys: [] },
);

/** A field's value: usually a plausible one, sometimes anything at all. */
const maybe = <T>(plausible: fc.Arbitrary<T>) => fc.oneof({ arbitrary: plausible, weight: 3 }, { arbitrary: anyJson, weight: 1 });

/**
 * Bodies near the route's real shape: a real model now and then, fields of
 * the wrong type or missing, and unknown keys a client's name might carry.
 */
function nearValid(route: Route): fc.Arbitrary<Record<string, unknown>> {
  const model = fc.oneof({ arbitrary: fc.constant('haiku'), weight: 2 }, { arbitrary: maybe(fc.constantFrom('gpt-4o', 'claude-nope-9', 'default?', '')), weight: 5 });
  const extras = fc.dictionary(hostileKey, anyJson, { maxKeys: 3 });
  const common = { model, stream: maybe(fc.boolean()), messages: maybe(fc.array(message, { minLength: 0, maxLength: 3 })) };
  const shape =
    route === 'chat'
      ? fc.record({ ...common, tools: maybe(fc.array(anyJson, { maxLength: 2 })), stop: maybe(fc.string()), max_tokens: maybe(fc.integer()) }, { requiredKeys: ['model'] })
      : route === 'responses'
        ? fc.record(
            { model, stream: maybe(fc.boolean()), input: maybe(fc.oneof(fc.string({ maxLength: 20 }), fc.array(message, { maxLength: 3 }))), instructions: maybe(fc.string()), previous_response_id: maybe(fc.string()), store: maybe(fc.boolean()) },
            { requiredKeys: ['model'] },
          )
        : fc.record({ ...common, max_tokens: maybe(fc.integer({ min: 1, max: 100 })), system: maybe(fc.string()), thinking: anyJson }, { requiredKeys: ['model'] });
  return fc.tuple(shape, extras).map(([body, more]) => ({ ...body, ...more }));
}

/** A body that passes validation (one user message, a real model), with hostile extra keys: it runs for real. */
function runnable(route: Route): fc.Arbitrary<Record<string, unknown>> {
  const extras = fc.dictionary(hostileKey, anyJson, { minKeys: 1, maxKeys: 3 });
  const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
  return fc.tuple(text, fc.boolean(), extras).map(([prompt, stream, more]) => ({
    // Extra keys go first, so that none replaces a field the body needs.
    ...more,
    ...runnableBase(route, prompt),
    ...(route === 'count_tokens' ? {} : { stream }),
  }));
}

/** Text that is not quite a JSON object. */
const brokenText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('', ' ', 'null', '[]', '"x"', '1e999', '{', '{"model":', '{"a":1,}', '\uFEFF{}', '{"a":"\\ud800"}', '{"__proto__":{"x":1}}'),
  fc.nat({ max: 200 }).map((n) => `${'['.repeat(n + 100)}${']'.repeat(n + 100)}`),
  nearValid('chat').map((body) => JSON.stringify(body).slice(0, -1)),
);

/**
 * A body that would run but for a tool whose JSON Schema nests far deeper
 * than any real one (a schema is kept as the client wrote it, so nothing
 * else stops it on its way in).
 */
function deepBody(route: Route): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(101, 1_000, 5_000, 20_000), fc.noBias(fc.integer({ min: 50, max: 20_000 }))).map((levels) => {
    const schema = `${'{"type":"object","properties":{"x":'.repeat(levels)}{"type":"string"}${'}}'.repeat(levels)}`;
    const tool =
      route === 'chat'
        ? `{"type":"function","function":{"name":"deep","parameters":${schema}}}`
        : route === 'responses'
          ? `{"type":"function","name":"deep","parameters":${schema}}`
          : `{"name":"deep","input_schema":${schema}}`;
    const base = JSON.stringify(runnableBase(route, 'deep'));
    return `${base.slice(0, -1)},"tools":[${tool}]}`;
  });
}

function runnableBase(route: Route, prompt: string): Record<string, unknown> {
  if (route === 'responses') return { model: 'haiku', input: prompt };
  if (route === 'chat') return { model: 'haiku', messages: [{ role: 'user', content: prompt }] };
  return { model: 'haiku', max_tokens: 50, messages: [{ role: 'user', content: prompt }] };
}

interface Case {
  body: string;
  contentType: string | undefined;
}

function cases(route: Route): fc.Arbitrary<Case> {
  const json = fc.constantFrom('application/json', 'application/json; charset=utf-8');
  const anyType = fc.oneof({ arbitrary: json, weight: 8 }, { arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json'), weight: 1 });
  // About one case in thirty starts Claude Code (a second or so each); count_tokens starts none, so it runs more.
  const body = fc.oneof(
    { arbitrary: nearValid(route).map((b) => JSON.stringify(b)), weight: 20 },
    { arbitrary: fc.dictionary(hostileKey, anyJson, { maxKeys: 6 }).map((b) => JSON.stringify(b)), weight: 8 },
    { arbitrary: brokenText, weight: 6 },
    { arbitrary: deepBody(route), weight: 2 },
    { arbitrary: runnable(route).map((b) => JSON.stringify(b)), weight: route === 'count_tokens' ? 8 : 1 },
  );
  return fc.record({ body, contentType: anyType });
}

/** A body that runs, streamed, with keys that wedged the bridge once (see the slot-release test). */
function always(route: Route): Case {
  const keys = { 'prix_€': 1, 日本: 1, ['lone\uD800surrogate']: 1, ['k'.repeat(5_000)]: 1 };
  return { body: JSON.stringify({ ...keys, ...runnableBase(route, 'hi'), ...(route === 'count_tokens' ? {} : { stream: true }) }), contentType: 'application/json' };
}

function events(text: string): EventSourceMessage[] {
  const found: EventSourceMessage[] = [];
  createParser({ onEvent: (e) => found.push(e) }).feed(text);
  return found;
}

/** The answer is in the route's own shape: its error envelope, its response object, or its event stream. */
function checkShape(route: Route, status: number, contentType: string, text: string): void {
  const anthropic = route === 'messages' || route === 'count_tokens';
  if (status >= 400) {
    const body = JSON.parse(text);
    if (anthropic) {
      expect(body).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
    } else {
      assertSchema('ErrorResponse', body);
    }
    return;
  }
  expect(status).toBe(200);
  if (!contentType.startsWith('text/event-stream')) {
    const body = JSON.parse(text);
    if (route === 'chat') assertSchema('CreateChatCompletionResponse', body);
    else if (route === 'responses') assertSchema('Response', body);
    else if (route === 'messages') expect(body).toMatchObject({ type: 'message', role: 'assistant' });
    else expect(body).toEqual({ input_tokens: expect.any(Number) });
    return;
  }
  const stream = events(text);
  expect(stream.length).toBeGreaterThan(0);
  for (const event of stream) {
    if (route === 'chat') {
      if (event.data === '[DONE]') continue;
      const chunk = JSON.parse(event.data);
      expect(chunk.error).toBeUndefined();
      assertSchema('CreateChatCompletionStreamResponse', chunk);
    } else if (route === 'responses') {
      assertResponseStreamEvent(JSON.parse(event.data));
    } else {
      expect(event.event).not.toBe('error');
      expect(JSON.parse(event.data).type).toBe(event.event);
    }
  }
  const last = stream.at(-1)!;
  if (route === 'chat') expect(last.data).toBe('[DONE]');
  if (route === 'messages') expect(last.event).toBe('message_stop');
  if (route === 'responses') expect(last.event).toBe('response.completed');
}

async function slotsGivenBack(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { active, queued } = stack.server.limiter.stats();
    if (active === 0 && queued === 0) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  expect(stack.server.limiter.stats()).toMatchObject({ active: 0, queued: 0 });
  await waitForNoRuns(stack.server.registry, 10_000);
}

describe('hostile bodies over every POST route', () => {
  test.each<Route>(['chat', 'messages', 'count_tokens', 'responses'])(
    '%s: no 5xx, every answer in the route\'s shape, every slot given back',
    async (route) => {
      const statuses = new Map<number, number>();
      const outcome = await fc.check(
        fc.asyncProperty(cases(route), async ({ body, contentType }) => {
          const answer = await rawRequest(stack.server.url, {
            method: 'POST',
            path: PATHS[route],
            headers: { ...(contentType ? { 'content-type': contentType } : {}), 'anthropic-version': '2023-06-01' },
            body,
          });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          expect(answer.status, answer.text.slice(0, 500)).toBeLessThan(500);
          checkShape(route, answer.status, String(answer.headers['content-type'] ?? ''), answer.text);
          const ignored = answer.headers[IGNORED_HEADER];
          if (typeof ignored === 'string') {
            expect(ignored.length).toBeLessThanOrEqual(1024);
            expect(ignored).toMatch(/^[\x20-\x7e]*$/);
          }
        }),
        // Always among the cases: a real run whose keys no header can carry, streamed, and one that is refused.
        { numRuns: CASES, seed, path: replayPath, endOnFailure: true, examples: [[always(route)], [{ body: '{"model": ', contentType: 'application/json' }]] },
      );
      if (outcome.failed) {
        // Bodies can be megabytes: say what failed and how to replay it, not the whole case.
        const failure = outcome.errorInstance instanceof Error ? outcome.errorInstance.message : String(outcome.errorInstance);
        throw new Error(
          `${route}: ${failure.slice(0, 1500)}\nreplay with FUZZ_SEED=${outcome.seed} FUZZ_PATH=${outcome.counterexamplePath}\ncase: ${JSON.stringify(outcome.counterexample).slice(0, 1500)}`,
        );
      }
      await slotsGivenBack();
      // Both kinds happened: requests refused, and requests that ran.
      expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    },
    300_000,
  );
});
