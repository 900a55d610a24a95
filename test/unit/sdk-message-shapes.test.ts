import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readChecked, readSdkMessage } from '../../src/claude/sdk-message-shapes.js';
import { recording } from '../support/recordings.js';
import { thrownBridgeError } from '../support/thrown.js';

const fixtures = readdirSync(new URL('../fixtures/sdk-sequences/', import.meta.url))
  .filter((name) => name.endsWith('.json'))
  .map((name) => name.replace(/\.json$/, ''));

/** A deep copy of a recorded message, with one field renamed (as a new SDK version might). */
function renamed(message: unknown, path: string[], to: string): unknown {
  const copy = structuredClone(message) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  at[to] = at[last];
  delete at[last];
  return copy;
}

function first(name: string, match: (m: Record<string, unknown>) => boolean): Record<string, unknown> {
  const found = (recording(name) as unknown as Array<Record<string, unknown>>).find(match);
  if (!found) throw new Error(`no such message in ${name}`);
  return found;
}

describe('the SDK messages the bridge reads, parsed', () => {
  test('there are recorded sequences to check', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  test.each(fixtures)('every message of the recorded %s run is read without a cast, as what it is', (name) => {
    const read = recording(name).map((message) => readSdkMessage(message));
    // Each recording holds messages the bridge acts on (a run that was cut off ends in retries, not a result).
    expect(read.filter((message) => message.type !== 'other').length).toBeGreaterThan(0);
    for (const message of read) {
      if (message.type === 'result') expect(message.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
      if (message.type === 'system') expect(message.subtype).toBe('api_retry');
    }
    // Each stream event the bridge acts on comes out typed, not as a bag of unknowns.
    for (const message of read) {
      if (message.type !== 'stream_event' || !message.event) continue;
      if (message.event.type === 'message_start') expect(message.event.message.model).toMatch(/^claude-/);
      if (message.event.type === 'content_block_delta') expect(typeof message.event.delta.type).toBe('string');
    }
  });

  test('a renamed field of a stream event is a clear 502, not a silent zero', () => {
    const start = first('text', (m) => m.type === 'stream_event' && (m.event as { type: string }).type === 'message_start');
    const err = thrownBridgeError(() => readSdkMessage(renamed(start, ['event', 'message', 'model'], 'model_name')));
    expect(err.status).toBe(502);
    expect(err.code).toBe('claude_code_unexpected_message');
    expect(err.message).toContain('Unexpected message_start event from Claude Code at message.model');
  });

  test("a renamed usage field of Claude Code's result is a clear error", () => {
    const result = first('text', (m) => m.type === 'result');
    const err = thrownBridgeError(() => readSdkMessage(renamed(result, ['usage', 'output_tokens'], 'outputTokens')));
    expect(err.code).toBe('claude_code_unexpected_message');
    expect(err.message).toContain('result message from Claude Code at usage.output_tokens');
  });

  test('a renamed retry status is a clear error, not a missed failure', () => {
    const retry = first('upstream-529', (m) => m.type === 'system' && m.subtype === 'api_retry');
    const err = thrownBridgeError(() => readSdkMessage(renamed(retry, ['error_status'], 'status')));
    expect(err.message).toContain('api_retry message from Claude Code at error_status');
  });

  test.each(fixtures)('the short cut for tokens reads each message of the recorded %s run as the schemas do', (name) => {
    const messages = recording(name);
    const deltas = messages.filter((m) => m.type === 'stream_event' && m.event.type === 'content_block_delta');
    expect(deltas.length > 0 || !['text', 'thinking-text', 'tool-calls'].includes(name)).toBe(true);
    for (const message of messages) expect(readSdkMessage(message)).toEqual(readChecked(message));
  });

  test('a token delta that is not as the schemas read it takes their path, and its fault is named', () => {
    const delta = first('text', (m) => m.type === 'stream_event' && (m.event as { type: string }).type === 'content_block_delta');
    const odd = structuredClone(delta) as { event: { delta: Record<string, unknown>; index: unknown } };
    odd.event.delta.text = 42;
    expect(thrownBridgeError(() => readSdkMessage(odd)).message).toContain('content_block_delta event from Claude Code at delta.text');
    const noIndex = structuredClone(delta) as { event: { index: unknown } };
    noIndex.event.index = '0';
    expect(thrownBridgeError(() => readSdkMessage(noIndex)).message).toContain('at index');
    // A subagent's tokens are never part of the answer.
    expect(readSdkMessage({ ...delta, parent_tool_use_id: 'toolu_1' })).toEqual({ type: 'other' });
  });

  test('messages and stream events the bridge has no use for are let through unread', () => {
    expect(readSdkMessage({ type: 'something_new', anything: 1 })).toEqual({ type: 'other' });
    expect(readSdkMessage({ type: 'stream_event', event: { type: 'ping' } })).toEqual({ type: 'stream_event', event: undefined });
    expect(readSdkMessage({ type: 'system', subtype: 'status', status: null })).toEqual({ type: 'other' });
  });
});
