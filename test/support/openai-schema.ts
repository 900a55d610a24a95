import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Validators for the official OpenAI schemas (vendored in test/fixtures with
 * their notice). Every response and chunk the tests receive goes through one.
 */
const spec = JSON.parse(readFileSync(new URL('../fixtures/openai-openapi-subset.json', import.meta.url), 'utf8')) as {
  components: unknown;
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
