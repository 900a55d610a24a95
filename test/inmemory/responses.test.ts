import type OpenAI from 'openai';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describe, expect, test } from 'vitest';
import { apiError, jsonOf } from '../support/http.js';
import { inMemoryBridge, useInMemoryBridge } from '../support/in-memory-bridge.js';
import { assertSchema, eventsOf } from '../support/openai-schema.js';
import { CODEX_PATCH, CODEX_TOOLS } from '../support/codex-tools.js';

// The Responses API as the client sees it for runs recorded from the real
// Claude Code: the event sequence, keep-alives, reasoning items, custom and
// namespaced tool calls, and the store (GET, DELETE, store: false). What
// reaches Claude (instructions, history, previous_response_id, tool outputs,
// item references) is checked with the real Claude Code in
// test/e2e/responses.test.ts.
const { bridge, openai } = useInMemoryBridge();

describe('responses.create', () => {
  test('streams the Responses event sequence; the stream helper puts together the stored response', async () => {
    // Recorded: "Hello", " world".
    const events = await eventsOf(await openai.responses.create({ model: 'sonnet', input: 'count', stream: true }));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const deltas = events.filter((e): e is OpenAI.Responses.ResponseTextDeltaEvent => e.type === 'response.output_text.delta');
    expect(deltas.map((d) => d.delta)).toEqual(['Hello', ' world']);

    const stream = openai.responses.stream({ model: 'sonnet', input: 'count on' });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Hello world');
    const retrieved = await openai.responses.retrieve(final.id);
    expect(retrieved).toMatchObject({ id: final.id, status: 'completed', model: final.model, usage: final.usage, output_text: 'Hello world' });
    expect(retrieved.output.map((item) => item.id)).toEqual(final.output.map((item) => item.id));
  });

  test('a pause mid-stream is bridged by SSE keep-alive comments, which clients skip', async () => {
    const slow = await inMemoryBridge({ flags: { keepAliveMs: '1' } });
    // The run pauses after its first event until the client has seen a keep-alive.
    let keptAlive!: () => void;
    slow.runner.play({ recording: 'text', holdAfterStart: new Promise<void>((resolve) => (keptAlive = resolve)) });
    const res = await slow.post('/v1/responses', { model: 'sonnet', input: 'take your time', stream: true });
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e) });
    const decoder = new TextDecoder();
    let text = '';
    for await (const bytes of res.body!) {
      const piece = decoder.decode(bytes, { stream: true });
      text += piece;
      parser.feed(piece);
      if (text.includes(': keep-alive\n\n')) keptAlive();
    }
    expect(text).toContain(': keep-alive\n\n');
    expect(events.map((e) => e.event).at(-1)).toBe('response.completed');
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
  });

  test('thinking comes back as a reasoning item with a summary, streamed as summary deltas', async () => {
    bridge.runner.play({ recording: 'thinking-text' });
    const events = await eventsOf(await openai.responses.create({ model: 'sonnet', input: 'Capital?', reasoning: { effort: 'high' }, stream: true }));
    const summary = events.filter((e) => e.type === 'response.reasoning_summary_text.delta').map((e) => (e as { delta: string }).delta);
    expect(summary).toEqual(['Let me ', 'think.']);
    const done = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(done.response.output.map((i) => i.type)).toEqual(['reasoning', 'message']);
    expect(done.response.reasoning).toEqual({ effort: 'high', summary: null });
    expect(bridge.runner.runs[0]!.request.effort).toBe('high');
  });
});

describe('structured output', () => {
  test('text.format json_schema: the run is asked for the schema, and the output text is the JSON', async () => {
    // Claude Code offering Claude the schema is checked with the real Claude Code from Chat
    // Completions (test/e2e/tools.test.ts), which asks the run for the same.
    bridge.runner.play({ recording: 'structured-output' });
    const schema = { type: 'object', properties: { answer: { type: 'string' }, confidence: { type: 'number' } }, required: ['answer'] };
    const res = await openai.responses.create({ model: 'sonnet', input: 'Answer as JSON', text: { format: { type: 'json_schema', name: 'answer', schema, strict: true } } });
    assertSchema('Response', res);
    expect(JSON.parse(res.output_text)).toEqual({ answer: '42', confidence: 0.9 });
    expect(bridge.runner.runs[0]!.request.outputFormat).toEqual({ type: 'json_schema', name: 'answer', schema });
  });
});

describe('stored responses', () => {
  test('GET returns a stored response, DELETE removes it; store: false keeps nothing', async () => {
    const kept = await openai.responses.create({ model: 'sonnet', input: 'keep me' });
    assertSchema('Response', kept);
    const retrieved = await openai.responses.retrieve(kept.id);
    assertSchema('Response', retrieved);
    expect(retrieved).toEqual(kept);
    const deleted = await bridge.request(`/v1/responses/${kept.id}`, { method: 'DELETE' });
    expect(await jsonOf(deleted)).toEqual({ id: kept.id, object: 'response.deleted', deleted: true });
    expect(await apiError(openai.responses.retrieve(kept.id))).toMatchObject({ status: 404, code: 'response_not_found' });
    expect(await apiError(openai.responses.delete(kept.id))).toMatchObject({ status: 404 });

    const unstored = await openai.responses.create({ model: 'sonnet', input: 'forget me', store: false });
    assertSchema('Response', unstored);
    expect((unstored as unknown as { store: boolean }).store).toBe(false);
    expect(await apiError(openai.responses.retrieve(unstored.id))).toMatchObject({ status: 404 });
    const runs = bridge.runner.runs.length;
    const err = await apiError(openai.responses.create({ model: 'sonnet', previous_response_id: unstored.id, input: 'and?' }));
    expect(err).toMatchObject({ status: 400, code: 'previous_response_not_found', param: 'previous_response_id' });
    expect(bridge.runner.runs).toHaveLength(runs);
  });
});

describe('tools as agents declare them', () => {

  test('a custom tool call streams its input as text, not as JSON', async () => {
    bridge.runner.play({ recording: 'custom-tool-call' });
    const { data, response } = await openai.responses.create({ model: 'sonnet', input: 'Add hello.txt', tools: CODEX_TOOLS, store: false, stream: true }).withResponse();
    expect(response.headers.get('x-claude-code-bridge-ignored')).toBe('tools[].defer_loading, tools[].web_search');
    const events = await eventsOf(data);
    const deltas = events.filter((e) => e.type === 'response.custom_tool_call_input.delta').map((e) => (e as { delta: string }).delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(CODEX_PATCH);
    const done = (events.at(-1) as OpenAI.Responses.ResponseCompletedEvent).response;
    assertSchema('Response', done);
    const call = done.output[0] as OpenAI.Responses.ResponseCustomToolCall;
    expect(call).toMatchObject({ type: 'custom_tool_call', call_id: 'call_01P', name: 'apply_patch', input: CODEX_PATCH });
    expect(call.id).toMatch(/^ctc_/);
  });

  test('a namespaced function comes back with its namespace', async () => {
    bridge.runner.play({ recording: 'namespaced-call' });
    const first = await openai.responses.create({ model: 'sonnet', input: 'Spawn one.', tools: CODEX_TOOLS, store: false });
    assertSchema('Response', first);
    expect(first.output[0]).toMatchObject({ type: 'function_call', name: 'spawn_agent', namespace: 'multi_agent_v1', call_id: 'call_01S' });
  });
});
