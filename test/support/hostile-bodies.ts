import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { expect } from 'vitest';
import { assertResponseStreamEvent, assertSchema } from './openai-schema.js';

/**
 * Random and hostile bodies for every POST route, as an adversary would send
 * them, and the check that an answer is in the route's own shape: shared by
 * the in-memory fuzz (every case, runs replayed) and the end-to-end one (over
 * the real socket, with runs through the real Claude Code).
 */
export type Route = 'chat' | 'messages' | 'count_tokens' | 'responses';
export const PATHS: Record<Route, string> = {
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

export interface Case {
  body: string;
  contentType: string | undefined;
}

export function cases(route: Route, options: { runnable?: boolean } = {}): fc.Arbitrary<Case> {
  const json = fc.constantFrom('application/json', 'application/json; charset=utf-8');
  const anyType = fc.oneof({ arbitrary: json, weight: 8 }, { arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json'), weight: 1 });
  // About one case in thirty would run (a Claude Code start each, where the bridge is real); count_tokens starts
  // none, so it runs more. Without runnable cases, only the near-valid bodies that happen to pass run.
  const kinds: Array<fc.WeightedArbitrary<string>> = [
    { arbitrary: nearValid(route).map((b) => JSON.stringify(b)), weight: 20 },
    { arbitrary: fc.dictionary(hostileKey, anyJson, { maxKeys: 6 }).map((b) => JSON.stringify(b)), weight: 8 },
    { arbitrary: brokenText, weight: 6 },
    { arbitrary: deepBody(route), weight: 2 },
  ];
  if (options.runnable !== false) kinds.push({ arbitrary: runnable(route).map((b) => JSON.stringify(b)), weight: route === 'count_tokens' ? 8 : 1 });
  const body = fc.oneof(...kinds);
  return fc.record({ body, contentType: anyType });
}

/** A body that runs, streamed, with keys that wedged the bridge once (see the slot-release test). */
export function always(route: Route): Case {
  const keys = { 'prix_€': 1, 日本: 1, ['lone\uD800surrogate']: 1, ['k'.repeat(5_000)]: 1 };
  return { body: JSON.stringify({ ...keys, ...runnableBase(route, 'hi'), ...(route === 'count_tokens' ? {} : { stream: true }) }), contentType: 'application/json' };
}

function events(text: string): EventSourceMessage[] {
  const found: EventSourceMessage[] = [];
  createParser({ onEvent: (e) => found.push(e) }).feed(text);
  return found;
}

/** The answer is in the route's own shape: its error envelope, its response object, or its event stream. */
export function checkShape(route: Route, status: number, contentType: string, text: string): void {
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


/** A route's answer to one hostile body, however it was sent. */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** The ignored-fields header, if the answer has one. */
  ignored: string | undefined;
}

/**
 * Send `cases` of hostile bodies to one route: none may get a 5xx, every
 * answer has the route's shape, and a header naming ignored fields stays
 * bounded and printable. Always among the cases: a body whose keys no header
 * can carry (streamed) and one refused. FUZZ_SEED and FUZZ_PATH replay a
 * failure, which names them; FUZZ_CASES sets how many cases run. Returns how
 * many answers had each status.
 */
export async function fuzzRoute(route: Route, bodies: fc.Arbitrary<Case>, send: (c: Case) => Promise<Answer>, defaultCases: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  const outcome = await fc.check(
    fc.asyncProperty(bodies, async (c) => {
      const answer = await send(c);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      expect(answer.status, answer.text.slice(0, 500)).toBeLessThan(500);
      checkShape(route, answer.status, answer.contentType, answer.text);
      if (answer.ignored !== undefined) {
        expect(answer.ignored.length).toBeLessThanOrEqual(1024);
        expect(answer.ignored).toMatch(/^[\x20-\x7e]*$/);
      }
    }),
    {
      numRuns: Number(process.env.FUZZ_CASES ?? defaultCases),
      seed,
      path: process.env.FUZZ_PATH,
      endOnFailure: true,
      examples: [[always(route)], [{ body: '{"model": ', contentType: 'application/json' }]],
    },
  );
  if (outcome.failed) {
    // Bodies can be megabytes: say what failed and how to replay it, not the whole case.
    const failure = outcome.errorInstance instanceof Error ? outcome.errorInstance.message : String(outcome.errorInstance);
    throw new Error(
      `${route}: ${failure.slice(0, 1500)}\nreplay with FUZZ_SEED=${outcome.seed} FUZZ_PATH=${outcome.counterexamplePath}\ncase: ${JSON.stringify(outcome.counterexample).slice(0, 1500)}`,
    );
  }
  return statuses;
}
