import { createHash } from 'node:crypto';
import { MAX_TOOL_NAME_LENGTH } from '../tool-schemas.js';

/** A client tool as the client knows it: its name, the namespace it belongs to (if any), and how it is called. */
export interface ClientTool {
  name: string;
  namespace?: string;
  /** `function` tools take JSON arguments; `custom` (freeform) tools take one string. */
  kind: 'function' | 'custom';
}

/**
 * The name Claude is offered for a client tool. A tool in a namespace is
 * offered under the namespace and its own name joined (`crm` and
 * `find_customer` become `crm__find_customer`; a namespace that already ends
 * in underscores, as Codex's `mcp__server__` ones do, is joined without
 * adding more), since Claude's tools have one flat name. A name longer than
 * Claude allows is cut and made unique with a short hash of the whole.
 * The same tool always gets the same name, so history that names it
 * (function calls sent back as input) reaches Claude under the same name.
 */
export function claudeToolName(name: string, namespace?: string): string {
  const joined = namespace ? `${namespace.replace(/_+$/, '')}__${name}` : name;
  if (joined.length <= MAX_TOOL_NAME_LENGTH) return joined;
  const hash = createHash('sha256').update(joined).digest('hex').slice(0, 8);
  return `${joined.slice(0, MAX_TOOL_NAME_LENGTH - hash.length - 1)}_${hash}`;
}

/** A custom tool's input, as the one-field object Claude's tool_use carries: a custom tool is offered to Claude with one string field, `input`. */
export function customToolInput(input: string): Record<string, unknown> {
  return { input };
}
