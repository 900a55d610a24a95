import { z } from 'zod';

/**
 * OpenAI Chat Completions request, as validated by the bridge. Every
 * documented parameter is declared (with its type checked), whether the
 * bridge honours it, ignores it, or refuses it; the translator decides which.
 * Unknown top-level keys are kept so they can be reported as ignored.
 */

const textPart = z.object({ type: z.literal('text'), text: z.string() });

const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({
    url: z.string().min(1, 'must not be empty'),
    /** How finely OpenAI's models look at the image; Claude Code has no such setting, so any value is accepted. */
    detail: z.string().optional(),
  }),
});

const audioPart = z.object({
  type: z.literal('input_audio'),
  input_audio: z.object({ data: z.string(), format: z.string() }),
});

const filePart = z.object({
  type: z.literal('file'),
  file: z.object({
    file_data: z.string().optional(),
    file_id: z.string().optional(),
    filename: z.string().optional(),
  }),
});

const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

const partTypeError = (allowed: string) => ({
  error: (issue: { input?: unknown }) => {
    const type = (issue.input as { type?: unknown } | undefined)?.type;
    return `unsupported content part type ${JSON.stringify(type)}; expected ${allowed}`;
  },
});

const userPart = z.discriminatedUnion('type', [textPart, imagePart, audioPart, filePart], partTypeError("'text', 'image_url'"));
const textOnlyPart = z.discriminatedUnion('type', [textPart], partTypeError("'text'"));
const assistantPart = z.discriminatedUnion('type', [textPart, refusalPart], partTypeError("'text' or 'refusal'"));

const textContent = z.union([z.string(), z.array(textOnlyPart).min(1)]);

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const systemMessage = z.object({ role: z.literal('system'), content: textContent, name: z.string().optional() });
const developerMessage = z.object({ role: z.literal('developer'), content: textContent, name: z.string().optional() });
const userMessage = z.object({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(userPart).min(1)]),
  name: z.string().optional(),
});
const assistantMessage = z.object({
  role: z.literal('assistant'),
  content: z.union([z.string(), z.array(assistantPart), z.null()]).optional(),
  refusal: z.string().nullable().optional(),
  name: z.string().optional(),
  tool_calls: z.array(toolCall).optional(),
  function_call: z.object({ name: z.string(), arguments: z.string() }).nullable().optional(),
  audio: z.object({ id: z.string() }).nullable().optional(),
});
const toolMessage = z.object({ role: z.literal('tool'), content: textContent, tool_call_id: z.string().min(1) });
const functionMessage = z.object({ role: z.literal('function'), content: z.string().nullable(), name: z.string().min(1) });

export const chatMessageSchema = z.discriminatedUnion(
  'role',
  [systemMessage, developerMessage, userMessage, assistantMessage, toolMessage, functionMessage],
  {
    error: (issue) => {
      const role = (issue.input as { role?: unknown } | undefined)?.role;
      return role === undefined
        ? "each message needs a 'role'"
        : `unknown role ${JSON.stringify(role)}; expected one of system, developer, user, assistant, tool, function`;
    },
  },
);

const functionDefinition = z.object({
  name: z.string(),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  strict: z.boolean().nullable().optional(),
});

const toolDefinition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('function'), function: functionDefinition }),
  z.object({ type: z.literal('custom'), custom: z.object({ name: z.string() }).loose() }),
]);

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
  z.object({ type: z.literal('custom'), custom: z.object({ name: z.string() }) }),
  z.object({
    type: z.literal('allowed_tools'),
    allowed_tools: z.object({
      mode: z.enum(['auto', 'required']),
      tools: z.array(z.object({ type: z.string(), function: z.object({ name: z.string() }).optional() }).loose()),
    }),
  }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

const nullableNumber = (min: number, max: number) => z.number().min(min).max(max).nullable().optional();

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().optional(),
  messages: z.array(chatMessageSchema).min(1, 'must contain at least one message'),
  stream: z.boolean().nullable().optional(),
  stream_options: z
    .object({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() })
    .nullable()
    .optional(),
  max_tokens: z.number().int().min(1).nullable().optional(),
  max_completion_tokens: z.number().int().min(1).nullable().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullable().optional(),
  n: z.number().int().min(1).max(128).nullable().optional(),
  temperature: nullableNumber(0, 2),
  top_p: nullableNumber(0, 1),
  presence_penalty: nullableNumber(-2, 2),
  frequency_penalty: nullableNumber(-2, 2),
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  user: z.string().optional(),
  safety_identifier: z.string().optional(),
  prompt_cache_key: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  store: z.boolean().nullable().optional(),
  service_tier: z.string().nullable().optional(),
  tools: z.array(toolDefinition).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  functions: z.array(functionDefinition).optional(),
  function_call: z.union([z.enum(['none', 'auto']), z.object({ name: z.string() })]).optional(),
  response_format: responseFormat.optional(),
  reasoning_effort: z.string().nullable().optional(),
  modalities: z.array(z.string()).nullable().optional(),
  audio: z.unknown().optional(),
  prediction: z.unknown().optional(),
  web_search_options: z.unknown().optional(),
  verbosity: z.string().nullable().optional(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type UserContentPart = z.infer<typeof userPart>;
