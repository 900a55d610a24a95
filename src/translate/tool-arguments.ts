import { invalidRequest } from '../errors/bridge-error.js';

/**
 * A tool call's arguments as a client sends them back in its history (a
 * JSON string), as the object Claude's tool_use blocks carry. An empty
 * string means no arguments.
 */
export function parseToolArguments(raw: string, param: string): Record<string, unknown> {
  try {
    const value: unknown = raw.trim() === '' ? {} : JSON.parse(raw);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalidRequest(`Invalid value for '${param}': tool call arguments must be a JSON object.`, param, 'invalid_tool_arguments');
}

/**
 * The arguments of a call Claude just made, as an object. A call cut off by
 * the output limit is not valid JSON; it becomes `{}` (the stop reason says
 * why the answer ended).
 */
export function toolInputOrEmpty(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  return {};
}
