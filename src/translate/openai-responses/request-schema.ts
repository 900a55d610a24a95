import { z } from 'zod';

/**
 * OpenAI Responses API request (`POST /v1/responses`), as validated by the
 * bridge. The input items it can pass to Claude are declared in full; other
 * item and tool types are recognised by their `type` so the translator can
 * refuse them by name. Unknown top-level keys are kept so they can be
 * reported as ignored.
 */

const inputText = z.object({ type: z.literal('input_text'), text: z.string() });
const outputText = z.looseObject({ type: z.literal('output_text'), text: z.string() });
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() });
const inputImage = z.object({
  type: z.literal('input_image'),
  image_url: z.string().nullable().optional(),
  file_id: z.string().nullable().optional(),
  /** How finely OpenAI's models look at the image; Claude Code has no such setting, so any value is accepted. */
  detail: z.string().optional(),
});
const inputFile = z.looseObject({ type: z.literal('input_file') });

const partTypeError = (allowed: string) => ({
  error: (issue: { input?: unknown }) =>
    `unsupported content part type ${JSON.stringify((issue.input as { type?: unknown } | undefined)?.type)}; expected ${allowed}`,
});

const contentPart = z.discriminatedUnion(
  'type',
  [inputText, inputImage, inputFile, outputText, refusal],
  partTypeError("'input_text', 'input_image' or (for assistant messages) 'output_text'"),
);

const message = z.object({
  type: z.literal('message'),
  role: z.enum(['user', 'assistant', 'system', 'developer'], {
    error: () => "role must be one of 'user', 'assistant', 'system', 'developer'",
  }),
  content: z.union([z.string(), z.array(contentPart)]),
  id: z.string().optional(),
  status: z.string().optional(),
  phase: z.string().nullable().optional(),
});

const functionCall = z.object({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().nullable().optional(),
  arguments: z.string(),
  id: z.string().optional(),
  status: z.string().optional(),
});

const toolOutput = z.union([
  z.string(),
  z.array(z.discriminatedUnion('type', [inputText, inputImage, inputFile], partTypeError("'input_text' or 'input_image'"))),
]);

const functionCallOutput = z.object({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: toolOutput,
  name: z.string().nullable().optional(),
  namespace: z.string().nullable().optional(),
  id: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
});

/** A call of a custom (freeform) tool: its input is one string. */
const customToolCall = z.object({
  type: z.literal('custom_tool_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().nullable().optional(),
  input: z.string(),
  id: z.string().optional(),
  status: z.string().nullable().optional(),
});

const customToolCallOutput = z.object({
  type: z.literal('custom_tool_call_output'),
  call_id: z.string().min(1),
  output: toolOutput,
  id: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
});

const reasoning = z.looseObject({ type: z.literal('reasoning') });
const itemReference = z.object({ type: z.literal('item_reference'), id: z.string() });

/**
 * Records of OpenAI's own hosted tools at work (a web search, a file search
 * …). Claude never saw their results, and the conversation goes on without
 * them: they are left out, and reported.
 */
export const HOSTED_CALL_ITEM_TYPES = [
  'file_search_call',
  'web_search_call',
  'image_generation_call',
  'code_interpreter_call',
  'mcp_list_tools',
  'tool_search_call',
  'tool_search_output',
] as const;
const hostedCallItem = z.looseObject({ type: z.enum(HOSTED_CALL_ITEM_TYPES) });

/**
 * The item types the bridge does not take, recognised so the refusal can
 * name them: calls of tools the client runs that the bridge cannot offer
 * Claude (computer use, OpenAI's shell and patch tools), remote MCP calls
 * and approvals, and compacted history, whose content is sealed.
 */
const OTHER_ITEM_TYPES = [
  'computer_call',
  'computer_call_output',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
  'compaction',
] as const;
const otherItem = z.looseObject({ type: z.enum(OTHER_ITEM_TYPES) });

const inputItem = z.preprocess(
  // A message may leave out `type` (the "easy" form), and so may an item reference.
  (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || 'type' in value) return value;
    if ('role' in value) return { ...value, type: 'message' };
    if ('id' in value) return { ...value, type: 'item_reference' };
    return value;
  },
  z.discriminatedUnion(
    'type',
    [message, functionCall, functionCallOutput, customToolCall, customToolCallOutput, reasoning, itemReference, hostedCallItem, otherItem],
    {
      error: (issue) => {
        const type = (issue.input as { type?: unknown } | undefined)?.type;
        return type === undefined
          ? "each input item needs a 'type' (or a 'role', for a message)"
          : `unsupported input item type ${JSON.stringify(type)}; expected 'message', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output' or 'item_reference'`;
      },
    },
  ),
);

export const functionToolSchema = z.object({
  type: z.literal('function'),
  name: z.string(),
  description: z.string().nullable().optional(),
  parameters: z.record(z.string(), z.unknown()).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});

/** A custom (freeform) tool: Claude writes its input as one string, in the format given (plain text by default). */
export const customToolSchema = z.object({
  type: z.literal('custom'),
  name: z.string(),
  description: z.string().nullable().optional(),
  format: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('text') }),
      z.object({ type: z.literal('grammar'), syntax: z.enum(['lark', 'regex']), definition: z.string() }),
    ])
    .nullable()
    .optional(),
});

/** Function and custom tools grouped under a name, as Codex declares its tools. */
export const namespaceToolSchema = z.object({
  type: z.literal('namespace'),
  name: z.string().min(1),
  description: z.string().nullable().optional(),
  tools: z.array(z.union([functionToolSchema, customToolSchema])),
});

/** Hosted tools (web search, file search, code interpreter, remote MCP …): recognised by their type, then left out by the translator. */
const hostedTool = z.looseObject({ type: z.string() });
const tool = z.union([functionToolSchema, customToolSchema, namespaceToolSchema, hostedTool]);

/** The tool choices the bridge can honour; a response repeats them (the hosted ones are refused by name). */
export const clientToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), name: z.string() }),
  z.object({ type: z.literal('custom'), name: z.string() }),
  z.object({
    type: z.literal('allowed_tools'),
    mode: z.enum(['auto', 'required']),
    tools: z.array(z.looseObject({ type: z.string(), name: z.string().optional() })),
  }),
]);
const toolChoice = z.union([clientToolChoiceSchema, z.looseObject({ type: z.string() })]);

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string(),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullable().optional(),
  }),
]);

export const responsesRequestSchema = z.looseObject({
  model: z.string().optional(),
  input: z.union([z.string(), z.array(inputItem)]).optional(),
  instructions: z.string().nullable().optional(),
  previous_response_id: z.string().min(1).nullable().optional(),
  store: z.boolean().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_obfuscation: z.boolean().optional() }).nullable().optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  max_output_tokens: z.number().int().min(1).nullable().optional(),
  max_tool_calls: z.number().int().nullable().optional(),
  reasoning: z
    .object({
      effort: z.string().nullable().optional(),
      // How Claude's thinking is summarised is not Claude Code's to choose: any value is accepted.
      summary: z.string().nullable().optional(),
      generate_summary: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
  text: z.object({ format: textFormat.optional(), verbosity: z.string().nullable().optional() }).optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  include: z.array(z.string()).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  truncation: z.string().nullable().optional(),
  background: z.boolean().nullable().optional(),
  conversation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  user: z.string().optional(),
  safety_identifier: z.string().nullable().optional(),
  prompt_cache_key: z.string().nullable().optional(),
  service_tier: z.string().nullable().optional(),
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type ResponsesInputItem = z.infer<typeof inputItem>;
export type ResponsesContentPart = z.infer<typeof contentPart>;
export type ResponsesFunctionTool = z.infer<typeof functionToolSchema>;
export type ResponsesCustomTool = z.infer<typeof customToolSchema>;
