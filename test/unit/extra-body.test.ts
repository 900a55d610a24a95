import { describe, expect, test } from 'vitest';
import { ModelRefusals, planExtraBody, refusedFields } from '../../src/claude/extra-body.js';
import { plainRequest, type BridgeRequest } from '../../src/core/types.js';

const tools: BridgeRequest['tools'] = [{ name: 'get_weather', description: '', parameters: { type: 'object' } }];
const request = (fields: Partial<BridgeRequest>) => plainRequest([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], fields);

describe('the extra body of a request', () => {
  test('nothing to add for a plain request', () => {
    expect(planExtraBody(request({}), new Set())).toEqual({ body: {}, instructions: '', unapplied: [] });
  });

  test('sampling and stop sequences as Claude\'s API names them; a temperature above 1 is taken as 1', () => {
    const plan = planExtraBody(request({ sampling: { temperature: 1.5, topP: 0.9, topK: 20 }, stop: ['END'] }), new Set());
    expect(plan.body).toEqual({ temperature: 1, top_p: 0.9, top_k: 20, stop_sequences: ['END'] });
  });

  test('a forced tool: tool_choice with thinking off, which the API requires; one call at a time', () => {
    expect(planExtraBody(request({ tools, toolChoice: { type: 'required' } }), new Set()).body).toEqual({
      tool_choice: { type: 'any' },
      thinking: { type: 'disabled' },
    });
    const named = planExtraBody(request({ tools, toolChoice: { type: 'function', name: 'get_weather' }, parallelToolCalls: false }), new Set());
    expect(named.body).toEqual({ tool_choice: { type: 'tool', name: 'mcp__client__get_weather', disable_parallel_tool_use: true }, thinking: { type: 'disabled' } });
    expect(planExtraBody(request({ tools, parallelToolCalls: false }), new Set()).body).toEqual({ tool_choice: { type: 'auto', disable_parallel_tool_use: true } });
  });

  test('what a model refused is left out, named, and forcing becomes an instruction', () => {
    const plan = planExtraBody(request({ tools, toolChoice: { type: 'required' }, sampling: { temperature: 0.2 }, parallelToolCalls: false }), new Set(['temperature', 'tool_choice']));
    expect(plan.body).toEqual({ tool_choice: { type: 'auto', disable_parallel_tool_use: true } });
    expect(plan.unapplied).toEqual(['temperature', 'tool_choice']);
    expect(plan.instructions).toBe('In this reply you must call at least one of the available tools.');
  });

  test('without the extra body at all, tool choice and the one-call limit are instructions; stops are the bridge\'s', () => {
    const plan = planExtraBody(request({ tools, toolChoice: { type: 'function', name: 'get_weather' }, parallelToolCalls: false, stop: ['X'], sampling: { topP: 0.5 } }), new Set(), false);
    expect(plan.body).toEqual({});
    expect(plan.unapplied).toEqual(['top_p', 'tool_choice']);
    expect(plan.instructions).toBe('In this reply you must call the tool mcp__client__get_weather. Call at most one tool in this reply.');
  });
});

describe('which fields an upstream refusal names', () => {
  const body = { temperature: 0.2, top_p: 0.5, stop_sequences: ['X'], tool_choice: { type: 'any' }, thinking: { type: 'disabled' } };
  test.each([
    ['`temperature` is deprecated for this model.', ['temperature']],
    ['top_p: not supported for this model', ['top_p']],
    ['"thinking.type.disabled" is not supported for this model. Use "thinking.type.adaptive"', ['tool_choice']],
    ['Forced tool use is not supported with this model', ['tool_choice']],
    ['prompt is too long: 250000 tokens', []],
  ])('%s', (message, fields) => {
    expect(refusedFields(message, body)).toEqual(fields);
  });

  test('only fields that were sent', () => {
    expect(refusedFields('`temperature` is deprecated for this model.', {})).toEqual([]);
  });

  test('are remembered under every name of the model', () => {
    const refusals = new ModelRefusals();
    refusals.record(['haiku', 'claude-haiku-5-5'], ['temperature']);
    expect([...refusals.of(['claude-haiku-5-5'])]).toEqual(['temperature']);
    expect([...refusals.of(['haiku'])]).toEqual(['temperature']);
    expect([...refusals.of(['sonnet'])]).toEqual([]);
  });
});
