import { expect, test } from 'vitest';
import { redactBody } from '../../src/observe/redact.js';

const png = `data:image/png;base64,${'A'.repeat(400)}`;

test('image data is replaced by a note; everything else is kept, and only what changed is copied', () => {
  const untouched = { role: 'user', content: 'hello' };
  const image = { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: png } }] };
  const json = JSON.stringify({ model: 'm', messages: [untouched, image] });
  const body = JSON.parse(`${json.slice(0, -1)},"__proto__":{"data":"${'B'.repeat(300)}"}}`) as Record<string, unknown>;
  const before = JSON.stringify(body);
  const logged = redactBody(body) as typeof body & { messages: unknown[] };

  expect(logged.messages[1]).toEqual({ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: '[image/png data, 300 bytes]' } }] });
  // A client's `__proto__` key is a key like any other: its base64 data is redacted, and no prototype is set.
  expect(Object.getOwnPropertyDescriptor(logged, '__proto__')?.value).toEqual({ data: '[base64 data, 225 bytes]' });
  expect(Object.getPrototypeOf(logged)).toBe(Object.prototype);
  // The message without data is the body's own object; the body itself is unchanged.
  expect(logged.messages[0]).toBe((body as { messages: unknown[] }).messages[0]);
  expect(JSON.stringify(body)).toBe(before);
});

test('a body with nothing to replace is returned as it is', () => {
  const body = { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(1000) }], tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] };
  expect(redactBody(body)).toBe(body);
});
