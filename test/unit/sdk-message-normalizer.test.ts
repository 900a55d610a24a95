import { describe, expect, test } from 'vitest';
import { SdkMessageNormalizer } from '../../src/claude/sdk-message-normalizer.js';
import { recordedEvents, recording } from '../support/recordings.js';
import { thrownBridgeError } from '../support/thrown.js';

const normalize = recordedEvents;
const failure = (name: string) => thrownBridgeError(() => recordedEvents(name));

describe('SdkMessageNormalizer on recorded Claude Code runs', () => {
  test('text: start with the input usage of message_start, one event per token, end with the result usage', () => {
    expect(normalize('text')).toEqual([
      {
        type: 'start',
        model: expect.stringMatching(/^claude-/),
        usage: { input_tokens: 20, output_tokens: 0, cache_read_input_tokens: 4, cache_creation_input_tokens: 0 },
      },
      { type: 'text', text: 'Hello' },
      { type: 'text', text: ' world' },
      {
        type: 'end',
        stopReason: 'end_turn',
        stopSequence: null,
        usage: { input_tokens: 20, output_tokens: 5, cache_read_input_tokens: 4, cache_creation_input_tokens: 0, thinking_tokens: 0 },
      },
    ]);
  });

  test('thinking arrives as thinking events before the text', () => {
    const events = normalize('thinking-text');
    expect(events.filter((e) => e.type === 'thinking' || e.type === 'text')).toEqual([
      { type: 'thinking', text: 'Let me ' },
      { type: 'thinking', text: 'think.' },
      { type: 'text', text: 'Answer.' },
    ]);
  });

  test('client tool calls keep the client name and stream their arguments; the run ends at the tool_use stop', () => {
    const events = normalize('tool-calls', { clientToolsOffered: true });
    expect(events.slice(1)).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool_call_start', index: 0, id: 'toolu_01A', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool_call_start', index: 1, id: 'toolu_01B', name: 'get_time' },
      { type: 'tool_call_delta', index: 1, argumentsDelta: '{"tz":"CET"}' },
      { type: 'end', stopReason: 'tool_use', stopSequence: null, usage: expect.objectContaining({ output_tokens: 12 }) },
    ]);
  });

  test('max_tokens ends the run at once, before Claude Code asks Claude to resume', () => {
    const events = normalize('max-tokens');
    expect(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text)).toEqual(['cut', ' off']);
    expect(events.at(-1)).toMatchObject({ type: 'end', stopReason: 'max_tokens' });
    expect(events.filter((e) => e.type === 'start')).toHaveLength(1);
  });

  test('an upstream 400 is a 400 with the API message, never assistant text', () => {
    const err = failure('upstream-400');
    expect(err.status).toBe(400);
    // Claude Code words this one itself; the text is passed on without its "API Error" framing.
    expect(err.message).toMatch(/^Prompt is too long/);
  });

  test('an authentication retry is a 401 at once, telling how to log in', () => {
    const err = failure('upstream-401');
    expect(err.status).toBe(401);
    expect(err.message).toContain('claude login');
    expect(err.message).toContain('CLAUDE_CODE_OAUTH_TOKEN');
  });

  test('an overload retry is a 503 with Retry-After', () => {
    const err = failure('upstream-529');
    expect(err.status).toBe(503);
    expect(err.retryAfterSeconds).toBeGreaterThan(0);
  });

  test('an overload retry is waited out when retries are allowed, and the answer that follows is relayed', () => {
    const normalizer = new SdkMessageNormalizer({ clientToolPrefix: 'mcp__client__', upstreamRetries: 3, clientToolsOffered: false });
    // Claude Code's start and its report that it retries after a 529: nothing to tell the client yet, and not over.
    for (const message of recording('upstream-529')) expect(normalizer.push(message)).toEqual([]);
    expect(normalizer.done).toBe(false);
    // The retry then succeeds: the answer comes through as if nothing had happened.
    const events = recording('text')
      .filter((m) => !(m.type === 'system' && m.subtype === 'init'))
      .flatMap((message) => normalizer.push(message));
    expect(events).toEqual(normalize('text'));
    expect(normalizer.done).toBe(true);
  });
});
