import { describe, expect, test } from 'vitest';
import { buildTurns } from '../../src/core/conversation.js';
import { FALLBACK_MODELS, listedModelIds, resolveModelName, type ModelEntry } from '../../src/core/model-names.js';
import { classifyUpstreamFailure, upstreamText } from '../../src/claude/upstream-errors.js';
import { buildTranscript } from '../../src/claude/transcript.js';
import { chatCompletionRequestSchema } from '../../src/translate/openai-chat/request-schema.js';
import { toBridgeRequest } from '../../src/translate/openai-chat/to-bridge-request.js';
import { BridgeError } from '../../src/errors/bridge-error.js';

const catalogue: ModelEntry[] = [
  { alias: 'default', resolvedId: 'claude-opus-5-5', displayName: 'Default', description: '' },
  { alias: 'opus', resolvedId: 'claude-opus-5-5', displayName: 'Opus', description: '' },
  { alias: 'sonnet', resolvedId: 'claude-sonnet-5-5', displayName: 'Sonnet', description: '' },
  { alias: 'haiku', resolvedId: 'claude-haiku-5-5', displayName: 'Haiku', description: '' },
];

describe('resolveModelName', () => {
  test.each([
    [undefined, undefined],
    ['default', undefined],
    ['opus', 'opus'],
    ['claude-opus-5-5', 'opus'],
    ['claude-sonnet-5-5', 'sonnet'],
    ['CLAUDE-3.5-SONNET', 'sonnet'],
    ['anthropic/claude-3-haiku', 'haiku'],
    ['claude-opus-4-1-20250805', 'opus'],
  ])('%s → %s', (name, sdkModel) => {
    expect(resolveModelName(name, catalogue)?.sdkModel).toBe(sdkModel);
  });

  test.each(['gpt-4o', 'sonnet-ish', 'openai/claude-sonnet', 'claude-fable', 'mistral-haiku'])('%s is not a model here', (name) => {
    expect(resolveModelName(name, catalogue)).toBeUndefined();
  });

  test('listing shows full ids first, then aliases, once each', () => {
    expect(listedModelIds(catalogue)).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5', 'default', 'opus', 'sonnet', 'haiku']);
    expect(listedModelIds(FALLBACK_MODELS)).toEqual(['default', 'opus', 'sonnet', 'haiku']);
  });
});

describe('buildTurns', () => {
  const t = (role: 'user' | 'assistant', text: string, i: number) => ({ role, content: [{ type: 'text' as const, text }], source: `messages[${i}]` });

  test('merges same-role runs and drops empty messages', () => {
    const turns = buildTurns([t('user', 'a', 0), { role: 'user', content: [], source: 'messages[1]' }, t('user', 'b', 2), t('assistant', 'c', 3), t('user', 'd', 4)], 'messages');
    expect(turns.map((x) => [x.role, x.content.length])).toEqual([
      ['user', 2],
      ['assistant', 1],
      ['user', 1],
    ]);
  });

  test('refuses a trailing assistant turn and an empty conversation', () => {
    expect(() => buildTurns([t('user', 'a', 0), t('assistant', 'b', 1)], 'messages')).toThrow(BridgeError);
    expect(() => buildTurns([], 'messages')).toThrow(/at least one user message/);
  });
});

describe('toBridgeRequest (OpenAI chat)', () => {
  const parse = (body: unknown) => toBridgeRequest(chatCompletionRequestSchema.parse(body), { includeThinking: true });

  test('tool calls and tool results become linked tool_use / tool_result blocks', () => {
    const { request } = parse({
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"c":"P"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'get', parameters: { type: 'object' } } }],
    });
    expect(request.turns).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get', input: { c: 'P' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: 'sunny' }] }] },
    ]);
  });

  test('a tool result for an unknown call id is refused', () => {
    expect(() => parse({ messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'nope', content: 'r' }] })).toThrow(
      /no earlier assistant message has a tool call/,
    );
  });

  test('legacy functions and function_call map onto tools', () => {
    const { request } = parse({
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } },
        { role: 'function', name: 'f', content: 'result' },
      ],
      functions: [{ name: 'f', parameters: { type: 'object' } }],
      function_call: { name: 'f' },
    });
    expect(request.tools.map((x) => x.name)).toEqual(['f']);
    expect(request.toolChoice).toEqual({ type: 'function', name: 'f' });
    expect(request.turns[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_legacy_1', content: [{ type: 'text', text: 'result' }] }] });
  });

  test('stop, max tokens, effort and response_format are carried over', () => {
    const { request } = parse({
      messages: [{ role: 'user', content: 'x' }],
      stop: 'END',
      max_completion_tokens: 100,
      reasoning_effort: 'minimal',
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object' } } },
    });
    expect(request).toMatchObject({ stop: ['END'], maxOutputTokens: 100, effort: 'low', outputFormat: { type: 'json_schema', name: 'r' } });
  });
});

describe('upstream errors', () => {
  test('strips Claude Code framing and unwraps JSON error bodies', () => {
    expect(upstreamText('API Error: 400 messages.0: bad')).toBe('messages.0: bad');
    expect(upstreamText('API Error: 500 {"type":"error","error":{"type":"api_error","message":"boom"}}')).toBe('boom');
  });

  test.each([
    [{ status: 401, kind: undefined }, 401],
    [{ status: null, kind: 'authentication_failed' }, 401],
    [{ status: 403, kind: undefined }, 403],
    [{ status: 429, kind: 'rate_limit' }, 429],
    [{ status: 529, kind: 'overloaded' }, 503],
    [{ status: 400, kind: 'billing_error' }, 400],
    [{ status: 500, kind: 'server_error' }, 502],
    [{ status: null, kind: 'unknown' }, 502],
  ])('%o → %i', (failure, status) => {
    expect(classifyUpstreamFailure({ ...failure, message: 'x' }).status).toBe(status);
  });

  test('Retry-After comes from Claude Code’s planned wait', () => {
    expect(classifyUpstreamFailure({ status: 429, kind: 'rate_limit', message: 'x', retryDelayMs: 7200 }).retryAfterSeconds).toBe(8);
  });
});

describe('buildTranscript', () => {
  test('chains entries by parentUuid with the session and cwd stamped on each', () => {
    let n = 0;
    const entries = buildTranscript(
      [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'a' }] },
      ],
      { sessionId: 's', cwd: '/w', version: 'v', newId: () => `id${++n}`, now: new Date(0) },
    );
    expect(entries.map((e) => [e.type, e.uuid, e.parentUuid, e.sessionId, e.cwd])).toEqual([
      ['user', 'id1', null, 's', '/w'],
      ['assistant', 'id2', 'id1', 's', '/w'],
    ]);
    expect(entries[1]!.message).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: 'a' }], stop_reason: 'end_turn' });
  });
});
