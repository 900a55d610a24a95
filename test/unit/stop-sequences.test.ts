import { describe, expect, test } from 'vitest';
import { StopSequenceFilter } from '../../src/core/stop-sequences.js';

function run(stops: string[], deltas: string[]) {
  const filter = new StopSequenceFilter(stops);
  const shown: string[] = [];
  for (const d of deltas) {
    const text = filter.push(d);
    if (text) shown.push(text);
    if (filter.stopped) break;
  }
  const rest = filter.flush();
  if (rest) shown.push(rest);
  return { text: shown.join(''), shown, stop: filter.stopSequence };
}

describe('StopSequenceFilter', () => {
  test('cuts before a stop inside one delta', () => {
    expect(run(['END'], ['abc END def'])).toMatchObject({ text: 'abc ', stop: 'END' });
  });

  test('catches a stop that spans deltas and never shows its beginning', () => {
    const r = run(['STOP'], ['Hello S', 'T', 'OP world']);
    expect(r).toMatchObject({ text: 'Hello ', stop: 'STOP' });
    expect(r.shown.join('|')).not.toContain('S');
  });

  test('releases held text that turns out not to be a stop', () => {
    const r = run(['END'], ['ab', 'c E', 'N', 'x']);
    expect(r).toMatchObject({ text: 'abc ENx', stop: null });
    expect(r.shown[0]).toBe('ab');
  });

  test('the earliest of several stops wins', () => {
    expect(run(['world', 'lo'], ['hello world'])).toMatchObject({ text: 'hel', stop: 'lo' });
  });

  test('without stops, text passes through untouched', () => {
    expect(run([], ['a', 'b'])).toMatchObject({ text: 'ab', shown: ['a', 'b'] });
  });

  test('a stop at the very start leaves nothing', () => {
    expect(run(['\n\n'], ['\n', '\nrest'])).toMatchObject({ text: '', stop: '\n\n' });
  });
});
