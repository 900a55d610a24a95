import { expect, test } from 'vitest';
import { checkToolDefinition } from '../../src/translate/tool-schemas.js';

const invalidAgain = () => checkToolDefinition('f', { type: 'object', properties: { a: { type: 'nonsense' } } }, 'tools[0].function');

test('a schema checked before gets the same answer again: an invalid one is refused every time, with the same reason', () => {
  let first = '';
  try {
    invalidAgain();
  } catch (err) {
    first = (err as Error).message;
  }
  expect(first).toMatch(/not a valid JSON Schema \(.+\)/);
  expect(invalidAgain).toThrow(first);
  // Another text is checked on its own, not answered from what was checked before.
  expect(() => checkToolDefinition('f', { type: 'object', properties: { a: { type: 'string' } } }, 'tools[0].function')).not.toThrow();
  expect(() => checkToolDefinition('f', { type: 'object', properties: { a: { type: 'nonsense', x: 1 } } }, 'tools[0].function')).toThrow(/not a valid JSON Schema/);
});

test('a valid schema checked again is offered as before, with its object type made explicit', () => {
  const schema = { properties: { city: { type: 'string' } } };
  expect(checkToolDefinition('f', schema, 'tools[0].function')).toEqual({ type: 'object', properties: { city: { type: 'string' } } });
  expect(checkToolDefinition('f', schema, 'tools[0].function')).toEqual({ type: 'object', properties: { city: { type: 'string' } } });
});
