import { expect, test } from 'vitest';
import { jsonDepth, MAX_JSON_DEPTH } from '../../src/http/json-depth.js';
import { redactBody } from '../../src/observe/redact.js';

const nested = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

test('depth counts arrays and objects, stops early, and never recurses', () => {
  expect(jsonDepth('text')).toBe(0);
  expect(jsonDepth({})).toBe(1);
  expect(jsonDepth({ a: [1, { b: 'x' }], c: null })).toBe(3);
  expect(jsonDepth(nested(MAX_JSON_DEPTH))).toBe(MAX_JSON_DEPTH);
  // A hundred thousand levels are measured only as far as the limit needs.
  expect(jsonDepth(nested(100_000))).toBe(MAX_JSON_DEPTH + 1);
});

test('redaction of a value nested beyond any limit ends in a note instead of a stack overflow', () => {
  const copy = redactBody({ deep: nested(50_000) });
  const text = JSON.stringify(copy);
  expect(text).toContain('[nested too deep to log]');
  expect(jsonDepth(copy)).toBeLessThanOrEqual(130);
  // Shallow bodies are copied as they are, image data aside.
  expect(redactBody({ a: [{ b: 'c' }], data: 'x' })).toEqual({ a: [{ b: 'c' }], data: 'x' });
});
