import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv } from 'ajv';
import type { ToolSpec } from '../core/types.js';
import { invalidRequest } from '../errors/bridge-error.js';

/** Claude's limit on a tool name, less the `mcp__client__` prefix its tools carry. */
export const MAX_TOOL_NAME_LENGTH = 64 - 'mcp__client__'.length;

// addUsedSchema: false, so that schemas with an $id can be checked again in later requests.
const draft2020 = new Ajv2020({ strict: false, validateSchema: true, addUsedSchema: false, logger: false });
const draft07 = new Ajv({ strict: false, validateSchema: true, addUsedSchema: false, logger: false });

/**
 * Schemas already checked, by their JSON text (with the draft that checked
 * them): the error, or '' when valid. An agent sends the same tools with
 * every request of a tool loop, and compiling a schema costs about a
 * millisecond each time, on the path of every step. Bounded in schemas and
 * in text; the oldest entry goes first.
 */
const checked = new Map<string, string>();
const MAX_CHECKED = 512;
const MAX_CHECKED_CHARS = 4 * 1024 ** 2;
let checkedChars = 0;

/** The JSON Schema's problem as Ajv words it, or '' when it is a valid schema. */
function schemaProblem(validator: Ajv, schema: Record<string, unknown>): string {
  const key = `${validator === draft07 ? '07' : '2020'} ${JSON.stringify(schema)}`;
  const known = checked.get(key);
  if (known !== undefined) return known;
  let problem = '';
  try {
    validator.compile(schema);
  } catch (err) {
    problem = (err as Error).message;
  }
  checked.set(key, problem);
  checkedChars += key.length;
  for (const [oldest] of checked) {
    if (checked.size <= MAX_CHECKED && checkedChars <= MAX_CHECKED_CHARS) break;
    checked.delete(oldest);
    checkedChars -= oldest.length;
  }
  return problem;
}

/**
 * Check a client's function definition before it goes anywhere near
 * Claude: a name Claude accepts, and parameters that are a JSON Schema for
 * an object (Claude's tool inputs are always objects). Returns the schema
 * to offer, with `type: "object"` made explicit where the client left it out.
 */
export function checkToolDefinition(name: string, parameters: Record<string, unknown> | undefined, param: string): Record<string, unknown> {
  if (!/^[a-zA-Z0-9_-]+$/.test(name) || name.length > MAX_TOOL_NAME_LENGTH) {
    throw invalidRequest(
      `Invalid value for '${param}.name': function names must be 1 to ${MAX_TOOL_NAME_LENGTH} letters, digits, underscores or dashes (Claude's limit, less the prefix its client tools carry).`,
      `${param}.name`,
      'invalid_function_name',
    );
  }
  const schema: Record<string, unknown> = { ...(parameters ?? { type: 'object', properties: {} }) };
  if (schema.type === undefined) schema.type = 'object';
  if (schema.type !== 'object') {
    throw invalidRequest(
      `Invalid value for '${param}.parameters': must be a JSON Schema of type "object" (got type ${JSON.stringify(schema.type)}); Claude's tool inputs are objects.`,
      `${param}.parameters`,
      'invalid_function_parameters',
    );
  }
  const validator = typeof schema.$schema === 'string' && schema.$schema.includes('draft-07') ? draft07 : draft2020;
  const problem = schemaProblem(validator, schema);
  if (problem) {
    throw invalidRequest(
      `Invalid value for '${param}.parameters': not a valid JSON Schema (${problem}).`,
      `${param}.parameters`,
      'invalid_function_parameters',
    );
  }
  return schema;
}

/** A function as a client declares it, with where it stands in the request (for error messages). */
export interface ToolDefinition {
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  /** Where the definition is, e.g. "tools[2]"; errors name `<param>.name` and `<param>.parameters`. */
  param: string;
}

/** Check every definition and refuse duplicate names: the client's tools as the bridge offers them to Claude. */
export function toToolSpecs(definitions: readonly ToolDefinition[]): ToolSpec[] {
  const seen = new Set<string>();
  return definitions.map(({ name, description, parameters, param }) => {
    const schema = checkToolDefinition(name, parameters ?? undefined, param);
    if (seen.has(name)) {
      throw invalidRequest(`Invalid value for '${param}.name': duplicate function name ${name}.`, `${param}.name`, 'duplicate_function_name');
    }
    seen.add(name);
    return { name, description: description ?? '', parameters: schema };
  });
}
