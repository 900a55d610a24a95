import { z } from 'zod';
import { expect, test } from 'vitest';
import { unknownKeys } from '../../src/translate/unknown-keys.js';

const part = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('image'), url: z.string() }),
]);
const schema = z.looseObject({
  messages: z.array(z.object({ role: z.string(), content: z.union([z.string(), z.array(part)]) })),
  tools: z.array(z.union([z.object({ name: z.string(), strict: z.boolean().optional() }), z.looseObject({ type: z.string() })])).optional(),
  options: z.object({ mode: z.string() }).nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  item: z.preprocess((v) => v, z.object({ id: z.string() })).optional(),
});

test('unknown keys at any depth are named by path, array positions folded, once each', () => {
  const keys = unknownKeys(schema, {
    extra_top: 1,
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'a', cache_control: {} }, { type: 'image', url: 'u', detail: 'x' }], name: 'n' },
      { role: 'user', content: [{ type: 'text', text: 'b', cache_control: {} }] },
    ],
    tools: [{ name: 'f', defer_loading: true }, { type: 'web_search', anything: 1 }],
    options: { mode: 'm', verbose: true },
    metadata: { free: 'form' },
    item: { id: 'i', other: 2 },
  });
  // The top level is loose (the translators report its keys), as is the hosted tool; records have no keys to report.
  expect(keys).toEqual([
    'item.other',
    'messages[].content[].cache_control',
    'messages[].content[].detail',
    'messages[].name',
    'options.verbose',
    'tools[].defer_loading',
  ]);
});

test('nothing to report for a request the schema knows in full, or for values of the wrong shape', () => {
  expect(unknownKeys(schema, { messages: [{ role: 'user', content: 'hi' }], options: null })).toEqual([]);
  expect(unknownKeys(schema, { messages: 'not a list', tools: [42] })).toEqual([]);
});

test("a key named like an object's own properties (__proto__, constructor) is reported like any other", () => {
  const body = JSON.parse('{"messages":[{"role":"user","content":"a","__proto__":1,"constructor":{}}],"options":{"mode":"m","toString":2}}');
  expect(unknownKeys(schema, body)).toEqual(['messages[].__proto__', 'messages[].constructor', 'options.toString']);
});
