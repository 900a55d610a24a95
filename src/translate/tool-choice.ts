import type { ToolChoice, ToolSpec } from '../core/types.js';
import { invalidRequest } from '../errors/bridge-error.js';

/** A tool choice as each wire format states it, reduced to what they have in common. */
export type RequestedToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required'; param: string }
  | { type: 'function'; name: string; param: string }
  /** Only these tools are offered; `mode` says whether one must be called. */
  | { type: 'allowed'; mode: 'auto' | 'required'; names: Array<{ name: string; param: string }> };

/**
 * The bridge's tool choice and the tools it leaves on offer. A named tool
 * must be one the client declared; `none` offers no tools at all, since
 * Claude Code has no other way to keep Claude from calling them.
 */
export function applyToolChoice(tools: ToolSpec[], requested: RequestedToolChoice): { choice: ToolChoice; offered: ToolSpec[] } {
  const known = (name: string, param: string) => {
    if (!tools.some((t) => t.name === name)) {
      throw invalidRequest(`Invalid value for '${param}': no tool named ${JSON.stringify(name)} was given.`, param, 'invalid_tool_choice');
    }
  };
  switch (requested.type) {
    case 'auto':
      return { choice: { type: 'auto' }, offered: tools };
    case 'none':
      return { choice: { type: 'none' }, offered: [] };
    case 'required':
      if (tools.length === 0) {
        throw invalidRequest(`'${requested.param}' requires a tool call but no tools were given.`, requested.param, 'invalid_tool_choice');
      }
      return { choice: { type: 'required' }, offered: tools };
    case 'function':
      known(requested.name, requested.param);
      return { choice: { type: 'function', name: requested.name }, offered: tools };
    case 'allowed': {
      for (const { name, param } of requested.names) known(name, param);
      const names = new Set(requested.names.map((n) => n.name));
      return {
        choice: requested.mode === 'required' ? { type: 'required' } : { type: 'auto' },
        offered: tools.filter((t) => names.has(t.name)),
      };
    }
  }
}
