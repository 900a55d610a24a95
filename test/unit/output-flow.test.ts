import { expect, test } from 'vitest';
import { OutputFlow } from '../../src/core/output-flow.js';

function target() {
  const calls: string[] = [];
  return { calls, hold: () => calls.push('hold'), release: () => calls.push('release') };
}

test('holding before a process is attached applies once it is; detaching releases it', () => {
  const flow = new OutputFlow();
  flow.hold();
  const process = target();
  flow.attach(process);
  expect(process.calls).toEqual(['hold']);
  flow.release();
  flow.hold();
  // A process handed on (parked for its conversation's next turn) is never left held.
  flow.detach();
  expect(process.calls).toEqual(['hold', 'release', 'hold', 'release']);
  flow.release();
  expect(process.calls).toHaveLength(4);
});

test('hold and release are idempotent, and a new process takes over the state', () => {
  const flow = new OutputFlow();
  const first = target();
  const second = target();
  flow.attach(first);
  flow.hold();
  flow.hold();
  flow.attach(second);
  expect(first.calls).toEqual(['hold', 'release']);
  expect(second.calls).toEqual(['hold']);
  expect(flow.held).toBe(true);
});
