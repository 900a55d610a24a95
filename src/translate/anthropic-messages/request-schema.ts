import { z } from 'zod';

/**
 * Anthropic Messages API request, as validated by the bridge. Content blocks
 * the bridge can pass to Claude are declared in full; blocks it cannot
 * (documents, server tool results) are recognised so the translator can
 * refuse them by name. Unknown top-level keys are kept so they can be
 * reported as ignored.
 */

const cacheControl = z.looseObject({ type: z.string() }).nullable().optional();

const textBlock = z.object({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
  citations: z.array(z.unknown()).nullable().optional(),
});

const imageSource = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
    z.object({ type: z.literal('url'), url: z.string().min(1, 'must not be empty') }),
    z.object({ type: z.literal('file'), file_id: z.string() }),
  ],
  { error: () => "an image source must be of type 'base64' or 'url'" },
);

const imageBlock = z.object({ type: z.literal('image'), source: imageSource, cache_control: cacheControl });

/** Recognised so that it can be refused with a clear message. */
const documentBlock = z.looseObject({ type: z.literal('document') });

/** What a tool search returned: a tool to load. The bridge offers every tool from the start, so there is nothing to load. */
const toolReferenceBlock = z.object({ type: z.literal('tool_reference'), tool_name: z.string(), cache_control: cacheControl });

const toolResultContent = z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock, toolReferenceBlock], {
  error: (issue) => `unsupported tool result content type ${JSON.stringify((issue.input as { type?: unknown } | undefined)?.type)}; expected 'text' or 'image'`,
});

const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});

const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(toolResultContent)]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

const thinkingBlock = z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() });

const contentBlock = z.discriminatedUnion(
  'type',
  [textBlock, imageBlock, documentBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock],
  {
    error: (issue) => {
      const type = (issue.input as { type?: unknown } | undefined)?.type;
      return `unsupported content block type ${JSON.stringify(type)}; expected 'text', 'image', 'tool_use', 'tool_result' or 'thinking'`;
    },
  },
);

export const anthropicMessageSchema = z.object({
  role: z.enum(['user', 'assistant', 'system'], { error: () => "role must be 'user' or 'assistant'" }),
  content: z.union([z.string(), z.array(contentBlock)]),
});

/** A tool the client runs: `custom`, or no type at all. */
const clientTool = z.object({
  name: z.string(),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
  type: z.literal('custom').nullable().optional(),
  cache_control: cacheControl,
  strict: z.boolean().optional(),
});
/** One of Anthropic's own tools (web search, code execution, bash, …): recognised by its type, then judged by the translator. */
const anthropicTool = z.looseObject({ type: z.string(), name: z.string().optional() });
const tool = z.union([clientTool, anthropicTool]);

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('none') }),
]);

/** How thinking is shown: the bridge cannot change that, so any value is accepted (and reported as having no effect). */
const thinkingDisplay = z.string().nullable().optional();

const thinking = z.discriminatedUnion('type', [
  z.object({ type: z.literal('enabled'), budget_tokens: z.number().int().min(1), display: thinkingDisplay }),
  z.object({ type: z.literal('adaptive'), display: thinkingDisplay }),
  z.object({ type: z.literal('disabled') }),
]);

const outputConfig = z.object({
  effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullable().optional(),
  format: z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).nullable().optional(),
});

const system = z.union([z.string(), z.array(textBlock)]);

/** What messages.create and messages.count_tokens have in common. */
const commonFields = {
  model: z.string().optional(),
  messages: z.array(anthropicMessageSchema).min(1, 'must contain at least one message'),
  system: system.optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
  output_config: outputConfig.optional(),
  cache_control: cacheControl,
  speed: z.string().nullable().optional(),
};

export const anthropicMessagesRequestSchema = z.looseObject({
  ...commonFields,
  max_tokens: z.number({ error: 'max_tokens: Field required (a whole number of at least 1)' }).int().min(1),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  metadata: z.object({ user_id: z.string().nullable().optional() }).optional(),
  service_tier: z.string().optional(),
});

export const anthropicCountTokensRequestSchema = z.looseObject(commonFields);

export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;
export type AnthropicCountTokensRequest = z.infer<typeof anthropicCountTokensRequestSchema>;
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;
export type AnthropicContentBlock = z.infer<typeof contentBlock>;
export type AnthropicToolResultContent = z.infer<typeof toolResultContent>;
export type AnthropicTool = z.infer<typeof tool>;
