import type OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import addFormatsModule from 'ajv-formats';

/**
 * Validators for the official OpenAI schemas (vendored in test/fixtures with
 * their notice). Every response and chunk the tests receive goes through one.
 */
const spec = JSON.parse(readFileSync(new URL('../fixtures/openai-openapi-subset.json', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, { anyOf?: Array<{ $ref: string }>; properties?: { type?: { enum?: string[] } } }> };
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
const addFormats = addFormatsModule as unknown as (a: Ajv2020) => void;
addFormats(ajv);
ajv.addFormat('unixtime', true);
ajv.addSchema({ $id: 'oai', components: spec.components });

const cache = new Map<string, ValidateFunction>();

function validator(name: string): ValidateFunction {
  let v = cache.get(name);
  if (!v) {
    v = ajv.compile({ $ref: `oai#/components/schemas/${name}` });
    cache.set(name, v);
  }
  return v;
}

/** Throws with ajv's explanation when `value` does not match the named schema. */
export function assertSchema(name: string, value: unknown): void {
  const v = validator(name);
  if (!v(value)) {
    throw new Error(`${name} does not validate: ${ajv.errorsText(v.errors, { separator: '\n' })}\n${JSON.stringify(value).slice(0, 2000)}`);
  }
}

/** The schema of each Responses stream event, by its `type` (e.g. response.output_text.delta → ResponseTextDeltaEvent). */
const streamEventSchemas = new Map<string, string>();
for (const { $ref } of spec.components.schemas.ResponseStreamEvent?.anyOf ?? []) {
  const name = $ref.split('/').at(-1)!;
  for (const type of spec.components.schemas[name]?.properties?.type?.enum ?? []) streamEventSchemas.set(type, name);
}

/**
 * A Responses stream event must validate against ResponseStreamEvent; it is
 * also checked against the one schema its type names, so that a failure
 * says what is wrong rather than which of the many alternatives it missed.
 */
export function assertResponseStreamEvent(event: { type: string }): void {
  const name = streamEventSchemas.get(event.type);
  if (!name) throw new Error(`${event.type} is not a Responses stream event type`);
  assertSchema(name, event);
  assertSchema('ResponseStreamEvent', event);
}

/** Every chunk of a streamed chat completion, each checked against the official schema. */
export async function chunksOf(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<OpenAI.ChatCompletionChunk[]> {
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) {
    assertSchema('CreateChatCompletionStreamResponse', chunk);
    chunks.push(chunk);
  }
  return chunks;
}

/** Every event of a streamed response, each checked against the official schemas, numbered in order. */
export async function eventsOf(stream: AsyncIterable<OpenAI.Responses.ResponseStreamEvent>): Promise<OpenAI.Responses.ResponseStreamEvent[]> {
  const events: OpenAI.Responses.ResponseStreamEvent[] = [];
  for await (const event of stream) {
    assertResponseStreamEvent(event);
    events.push(event);
  }
  expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  return events;
}
