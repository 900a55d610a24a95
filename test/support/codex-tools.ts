import type OpenAI from 'openai';

/**
 * Tools as Codex CLI declares them to the Responses API: a function with a
 * field the bridge ignores, a namespace of sub-agent tools, a custom tool with
 * a Lark grammar, and a hosted web search the bridge does not offer.
 */
export const CODEX_TOOLS = [
  { type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } }, strict: false, defer_loading: false },
  {
    type: 'namespace',
    name: 'multi_agent_v1',
    description: 'Tools for sub-agents.',
    tools: [{ type: 'function', name: 'spawn_agent', parameters: { type: 'object', properties: {} }, strict: false }],
  },
  { type: 'custom', name: 'apply_patch', description: 'Edit files with a patch.', format: { type: 'grammar', syntax: 'lark', definition: 'start: "*** Begin Patch" /.+/s' } },
  { type: 'web_search', external_web_access: false },
] as unknown as OpenAI.Responses.Tool[];

/** A patch as Codex's apply_patch tool takes it. */
export const CODEX_PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+Hello, "world"\n*** End Patch';
