import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { streamText, type LanguageModel } from 'ai';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { inMemoryBridge, type InMemoryBridge } from '../support/in-memory-bridge.js';

// Streaming as agent libraries read it, unmodified, from the bridge's own
// HTTP stack with a recorded run replayed ("Hello", " world"). Their tool
// loops and turns with history run against the real Claude Code in
// test/clients/libraries.test.ts.
let bridge: InMemoryBridge;
beforeAll(async () => {
  bridge = await inMemoryBridge();
});
beforeEach(() => bridge.runner.reset());

const BASE_URL = 'http://127.0.0.1:8000';
const fetchFromBridge = (url: string | URL | Request, init?: RequestInit) => bridge.request(String(url), init);

/** The prompt text of the one run the bridge was asked for. */
function prompt(): string {
  expect(bridge.runner.runs).toHaveLength(1);
  return bridge.runner.runs[0]!.request.turns.at(-1)!.content.map((block) => ('text' in block ? block.text : '')).join('');
}

describe('AI SDK streamText', () => {
  const providers: Array<[string, () => LanguageModel]> = [
    ['@ai-sdk/openai (Responses)', () => createOpenAI({ baseURL: `${BASE_URL}/v1`, apiKey: 'not-checked', fetch: fetchFromBridge })('sonnet')],
    ['@ai-sdk/openai .chat()', () => createOpenAI({ baseURL: `${BASE_URL}/v1`, apiKey: 'not-checked', fetch: fetchFromBridge }).chat('sonnet')],
    ['@ai-sdk/anthropic', () => createAnthropic({ baseURL: `${BASE_URL}/v1`, apiKey: 'not-checked', fetch: fetchFromBridge })('sonnet')],
  ];

  test.each(providers)('%s: text deltas as they come, and the finish', async (_name, model) => {
    const result = streamText({ model: model(), prompt: 'Count.' });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas).toEqual(['Hello', ' world']);
    expect(await result.finishReason).toBe('stop');
    expect(prompt()).toBe('Count.');
  });
});

test('LangChain ChatOpenAI stream: one chunk per delta', async () => {
  const chat = new ChatOpenAI({ model: 'sonnet', apiKey: 'not-checked', configuration: { baseURL: `${BASE_URL}/v1`, fetch: fetchFromBridge }, maxRetries: 0 });
  const chunks: string[] = [];
  for await (const chunk of await chat.stream('Again.')) chunks.push(String(chunk.content));
  expect(chunks.filter(Boolean)).toEqual(['Hello', ' world']);
  expect(prompt()).toBe('Again.');
});
