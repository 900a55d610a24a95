import Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { apiError, jsonOf } from '../support/http.js';
import { inMemoryBridge, officialClients, type InMemoryBridge } from '../support/in-memory-bridge.js';
import { assertSchema } from '../support/openai-schema.js';

// Bad input gets a 4xx in the shape of the client's API and never starts a
// run: every test here ends by checking that nothing reached Claude Code.
let bridge: InMemoryBridge;
let openai: OpenAI;
let anthropic: Anthropic;
beforeAll(async () => {
  bridge = await inMemoryBridge();
  ({ openai, anthropic } = officialClients(bridge));
});
beforeEach(() => bridge.runner.reset());

const nothingRan = () => expect(bridge.runner.runs).toHaveLength(0);
const hi: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];
const weather: OpenAI.FunctionDefinition = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('Chat Completions', () => {
  test.each([
    ['{not json', null, 'invalid_json'],
    ['[]', null, 'invalid_json'],
    ['{"model":"sonnet"}', 'messages', 'invalid_value'],
    ['{"messages":[]}', 'messages', 'invalid_value'],
    ['{"messages":[{"role":"wizard","content":"x"}]}', 'messages[0].role', 'invalid_value'],
    ['{"messages":[{"role":"user","content":42}]}', 'messages[0].content', 'invalid_value'],
    ['{"messages":[{"role":"user","content":[{"type":"video","x":1}]}]}', 'messages[0].content[0].type', 'invalid_value'],
    ['{"messages":[{"role":"user","content":"hi"}],"stream":"yes"}', 'stream', 'invalid_value'],
    ['{"messages":[{"role":"user","content":"hi"}],"n":2}', 'n', 'unsupported_parameter'],
    ['{"messages":[{"role":"user","content":"hi"}],"logprobs":true}', 'logprobs', 'unsupported_parameter'],
    ['{"messages":[{"role":"user","content":"hi"}],"top_logprobs":2}', 'top_logprobs', 'unsupported_parameter'],
    ['{"messages":[{"role":"user","content":"hi"}],"modalities":["text","audio"]}', 'modalities', 'unsupported_parameter'],
    ['{"messages":[{"role":"user","content":"hi"}],"audio":{"voice":"alloy","format":"mp3"}}', 'audio', 'unsupported_parameter'],
    ['{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]}', 'messages[0].content[0]', 'unsupported_content'],
  ])('%s → 400 naming %s', async (body, param, code) => {
    const res = await bridge.post('/v1/chat/completions', body);
    expect(res.status).toBe(400);
    const json = await jsonOf(res);
    assertSchema('ErrorResponse', json);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', param, code });
    nothingRan();
  });

  test.each(['gpt-4o', 'llama3', 'openai/claude-sonnet', 'claude-unknown'])(
    'unknown model %s is a 404 model_not_found listing what exists',
    async (name) => {
      const err = await apiError(openai.chat.completions.create({ model: name, messages: hi }));
      expect(err).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
      expect(err.message).toContain('sonnet');
      assertSchema('ErrorResponse', { error: err.error });
      nothingRan();
    },
  );

  test.each([
    [{ ...weather, parameters: { type: 'string' } }, 'invalid_function_parameters'],
    [{ ...weather, parameters: { type: 'object', properties: { a: { type: 'nonsense' } } } }, 'invalid_function_parameters'],
    [{ ...weather, name: 'has spaces' }, 'invalid_function_name'],
    [{ ...weather, name: 'x'.repeat(60) }, 'invalid_function_name'],
  ])('a tool Claude cannot take is a 400 (%#)', async (fn, code) => {
    const err = await apiError(openai.chat.completions.create({ model: 'sonnet', messages: hi, tools: [{ type: 'function', function: fn as OpenAI.FunctionDefinition }] }));
    expect(err).toMatchObject({ status: 400, code });
    nothingRan();
  });

  test('a tool result for a call that never happened is a 400', async () => {
    const err = await apiError(openai.chat.completions.create({ model: 'sonnet', messages: [...hi, { role: 'tool', tool_call_id: 'call_nope', content: 'x' }] }));
    expect(err).toMatchObject({ status: 400, code: 'unknown_tool_call_id', param: 'messages[1].tool_call_id' });
    nothingRan();
  });

  test('a conversation that ends with an assistant message is a 400', async () => {
    const err = await apiError(openai.chat.completions.create({ model: 'sonnet', messages: [...hi, { role: 'assistant', content: 'partial' }] }));
    expect(err).toMatchObject({ status: 400, code: 'conversation_ends_with_assistant', param: 'messages[1]' });
    nothingRan();
  });

  test.each([
    ['data:image/bmp;base64,Qk0=', 'invalid_image_format'],
    ['data:image/png;base64,@@@', 'invalid_image_url'],
    ['file:///etc/passwd', 'invalid_image_url'],
    ['not a url', 'invalid_image_url'],
  ])('refuses image %s with 400', async (url, code) => {
    const err = await apiError(openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] }));
    expect(err).toMatchObject({ status: 400, code, param: 'messages[0].content[0].image_url.url' });
    nothingRan();
  });

  test('an image over 5 MB is refused', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 10).toString('base64');
    const err = await apiError(
      openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${big}` } }] }] }),
    );
    expect(err).toMatchObject({ status: 400, code: 'image_too_large' });
    nothingRan();
  });

  test('parameters that have no effect are accepted and named in a header', async () => {
    const res = await bridge.post('/v1/chat/completions', {
      model: 'haiku',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }],
      temperature: 0.2,
      top_k: 5,
      seed: 1,
      prediction: { type: 'content', content: 'x' },
      web_search_options: {},
    });
    expect(res.status).toBe(200);
    // The temperature goes to Claude's API, so it is not among them.
    expect(res.headers.get('x-claude-code-bridge-ignored')).toBe('messages[].content[].cache_control, prediction, seed, top_k, web_search_options');
    expect(bridge.runner.runs[0]!.request.sampling).toMatchObject({ temperature: 0.2 });
  });
});

describe('Anthropic Messages', () => {
  test('an invalid request, an unknown model and the wrong method, each in Anthropic\'s shape with its status', async () => {
    const bad = await bridge.post('/v1/messages', { model: 'sonnet', messages: [] });
    expect(bad.status).toBe(400);
    const badBody = await jsonOf(bad);
    expect(badBody).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(badBody.request_id).toBe(bad.headers.get('request-id'));

    const unknown = await anthropic.messages.create({ model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect((unknown as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });

    const wrongMethod = await bridge.request('/v1/messages');
    expect(wrongMethod.status).toBe(405);
    expect(await jsonOf(wrongMethod)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    nothingRan();
  });

  test('count_tokens answers with an estimate, labelled as one, without a run; an unknown model is a 404', async () => {
    const { data, response } = await anthropic.messages
      .countTokens({ model: 'sonnet', system: 'Be brief.', messages: [{ role: 'user', content: 'x'.repeat(691) }] })
      .withResponse();
    expect(data).toEqual({ input_tokens: 200 });
    expect(response.headers.get('x-claude-code-bridge-token-count')).toBe('estimate');
    const unknown = await anthropic.messages.countTokens({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    nothingRan();
  });
});

describe('Responses', () => {
  test('an unknown model, a tool choice naming no offered tool, an unknown item reference: OpenAI-shaped 4xx', async () => {
    expect(await apiError(openai.responses.create({ model: 'gpt-4o', input: 'x' }))).toMatchObject({ status: 404, code: 'model_not_found' });
    expect(
      await apiError(openai.responses.create({ model: 'sonnet', input: 'x', tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search_preview' } })),
    ).toMatchObject({ status: 400, code: 'invalid_tool_choice', param: 'tool_choice' });
    const missing = `fc_${'0'.repeat(52)}`;
    expect(
      await apiError(openai.responses.create({ model: 'sonnet', input: [{ role: 'user', content: 'x' }, { type: 'item_reference', id: missing }] })),
    ).toMatchObject({ status: 400, code: 'item_not_found', param: 'input[1].id', message: expect.stringContaining(missing) });
    expect(await apiError(openai.responses.create({ model: 'sonnet', input: 'x', previous_response_id: 'resp_nope' }))).toMatchObject({
      status: 400,
      code: 'previous_response_not_found',
    });
    nothingRan();
  });
});
