import { buildTurns, type RawTurn } from '../../core/conversation.js';
import type { AssistantBlock, BridgeRequest, OutputFormat, TextBlock, ToolSpec, UserBlock } from '../../core/types.js';
import { invalidRequest } from '../../errors/bridge-error.js';
import { ignoredParameters } from '../ignored-parameters.js';
import { imageFromUrl } from '../images.js';
import { toReasoningChoice } from '../reasoning-effort.js';
import { parseToolArguments } from '../tool-arguments.js';
import { applyToolChoice, type RequestedToolChoice } from '../tool-choice.js';
import { toToolSpecs } from '../tool-schemas.js';
import { unknownKeys } from '../unknown-keys.js';
import { chatCompletionRequestSchema, type ChatCompletionRequest, type ChatMessage, type UserContentPart } from './request-schema.js';

/** Parameters accepted for compatibility that have no effect on Claude Code. */
export const IGNORED_PARAMETERS = [
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'seed',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'metadata',
  'store',
  'service_tier',
  'verbosity',
  // Predicted outputs only make OpenAI's answer faster; without them the answer is the same.
  'prediction',
  // OpenAI's search models search the web themselves; Claude Code's request cannot carry
  // Claude's web search (see docs/chat-completions.md), so Claude answers without searching, as a model
  // that chose not to search would.
  'web_search_options',
] as const;

/** Parameters the translator honours, or refuses when they ask for what Claude cannot do. */
const HANDLED_PARAMETERS = new Set<string>([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'temperature',
  'top_p',
  'n',
  'logprobs',
  'top_logprobs',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'functions',
  'function_call',
  'response_format',
  'reasoning_effort',
  'modalities',
  'audio',
]);

export interface ChatTranslation {
  request: BridgeRequest;
  stream: boolean;
  includeUsage: boolean;
  /** Parameters present in the request that had no effect (reported to the client). */
  ignored: string[];
  /** The request declared functions the legacy way (`functions`), so calls are answered as `function_call`. */
  legacyFunctions: boolean;
}

function textOf(content: string | Array<{ type: 'text'; text: string }>): string {
  return typeof content === 'string' ? content : content.map((p) => p.text).join('\n');
}

function textBlocks(content: string | Array<{ type: string; text?: string; refusal?: string }> | null | undefined): TextBlock[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content
    .map((p): TextBlock => ({ type: 'text', text: p.type === 'refusal' ? (p.refusal ?? '') : (p.text ?? '') }))
    .filter((b) => b.text !== '');
}

function userBlocks(content: string | UserContentPart[], param: string): UserBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.flatMap((part, i): UserBlock[] => {
    const where = `${param}[${i}]`;
    switch (part.type) {
      case 'text':
        return part.text === '' ? [] : [{ type: 'text', text: part.text }];
      case 'image_url':
        return [imageFromUrl(part.image_url.url, `${where}.image_url.url`)];
      case 'input_audio':
        throw invalidRequest(`Audio input ('${where}') is not supported: Claude accepts text and images.`, where, 'unsupported_content');
      case 'file':
        throw invalidRequest(`File input ('${where}') is not supported: send text or images.`, where, 'unsupported_content');
    }
  });
}

/**
 * Turn the message list into turns. Tool calls and their results become
 * real tool_use / tool_result blocks; legacy function calls, which carry no
 * id, get one derived from their position so the pair stays linked.
 */
function toRawTurns(messages: ChatMessage[]): { system: string[]; turns: RawTurn[] } {
  const system: string[] = [];
  const turns: RawTurn[] = [];
  const callIds = new Set<string>();
  let pendingLegacyCall: string | undefined;
  messages.forEach((message, i) => {
    const source = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message.content);
        if (text !== '') system.push(text);
        return;
      }
      case 'user':
        turns.push({ role: 'user', content: userBlocks(message.content, `${source}.content`), source });
        return;
      case 'assistant': {
        const content: AssistantBlock[] = textBlocks(message.content);
        if (message.refusal) content.push({ type: 'text', text: message.refusal });
        message.tool_calls?.forEach((call, j) => {
          callIds.add(call.id);
          content.push({
            type: 'tool_use',
            id: call.id,
            name: call.function.name,
            input: parseToolArguments(call.function.arguments, `${source}.tool_calls[${j}].function.arguments`),
          });
        });
        if (message.function_call) {
          pendingLegacyCall = `call_legacy_${i}`;
          callIds.add(pendingLegacyCall);
          content.push({
            type: 'tool_use',
            id: pendingLegacyCall,
            name: message.function_call.name,
            input: parseToolArguments(message.function_call.arguments, `${source}.function_call.arguments`),
          });
        }
        turns.push({ role: 'assistant', content, source });
        return;
      }
      case 'tool': {
        if (!callIds.has(message.tool_call_id)) {
          throw invalidRequest(
            `Invalid value for '${source}.tool_call_id': no earlier assistant message has a tool call with id ${JSON.stringify(message.tool_call_id)}.`,
            `${source}.tool_call_id`,
            'unknown_tool_call_id',
          );
        }
        turns.push({
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: textBlocks(message.content) }],
          source,
        });
        return;
      }
      case 'function': {
        if (!pendingLegacyCall) {
          throw invalidRequest(
            `'${source}' is a function result, but no earlier assistant message has a function_call.`,
            source,
            'unknown_tool_call_id',
          );
        }
        turns.push({
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: pendingLegacyCall, content: textBlocks(message.content) }],
          source,
        });
        pendingLegacyCall = undefined;
        return;
      }
    }
  });
  return { system, turns };
}

function toTools(body: ChatCompletionRequest): ToolSpec[] {
  if (body.tools !== undefined) {
    return toToolSpecs(
      body.tools.map((tool, i) => {
        if (tool.type === 'custom') {
          throw invalidRequest(
            `Custom tools ('tools[${i}]') are not supported: declare a function with JSON Schema parameters.`,
            `tools[${i}]`,
            'unsupported_tool_type',
          );
        }
        return { ...tool.function, param: `tools[${i}].function` };
      }),
    );
  }
  return toToolSpecs((body.functions ?? []).map((fn, i) => ({ ...fn, param: `functions[${i}]` })));
}

/** The tool choice as the client stated it (`tool_choice`, or the legacy `function_call`). */
function requestedToolChoice(body: ChatCompletionRequest): RequestedToolChoice {
  const raw = body.tool_choice ?? body.function_call;
  const param = body.tool_choice !== undefined ? 'tool_choice' : 'function_call';
  if (raw === undefined || raw === 'auto') return { type: 'auto' };
  if (raw === 'none') return { type: 'none' };
  if (raw === 'required') return { type: 'required', param };
  if ('type' in raw && raw.type === 'custom') {
    throw invalidRequest('Custom tools are not supported.', param, 'unsupported_tool_type');
  }
  if ('type' in raw && raw.type === 'allowed_tools') {
    const names = raw.allowed_tools.tools.map((t, i) => {
      const name = t.function?.name;
      if (t.type !== 'function' || name === undefined) {
        throw invalidRequest(`Only function tools can be allowed.`, `${param}.allowed_tools.tools[${i}]`, 'invalid_tool_choice');
      }
      return { name, param: `${param}.allowed_tools.tools[${i}].function.name` };
    });
    return { type: 'allowed', mode: raw.allowed_tools.mode, names };
  }
  return { type: 'function', name: 'function' in raw ? raw.function.name : raw.name, param };
}

function toOutputFormat(body: ChatCompletionRequest): OutputFormat | undefined {
  const format = body.response_format;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  return {
    type: 'json_schema',
    name: format.json_schema.name,
    schema: format.json_schema.schema ?? { type: 'object' },
  };
}

function refuseUnsupported(body: ChatCompletionRequest): void {
  if ((body.n ?? 1) > 1) {
    throw invalidRequest("'n' greater than 1 is not supported: Claude Code gives one answer per request.", 'n', 'unsupported_parameter');
  }
  if (body.logprobs) {
    throw invalidRequest("'logprobs' is not supported: Claude does not return token log probabilities.", 'logprobs', 'unsupported_parameter');
  }
  if ((body.top_logprobs ?? 0) > 0) {
    throw invalidRequest("'top_logprobs' is not supported: Claude does not return token log probabilities.", 'top_logprobs', 'unsupported_parameter');
  }
  if (body.modalities && body.modalities.some((m) => m !== 'text')) {
    throw invalidRequest("Only the 'text' output modality is supported.", 'modalities', 'unsupported_parameter');
  }
  if (body.audio !== undefined && body.audio !== null) {
    throw invalidRequest("'audio' output is not supported: Claude answers in text.", 'audio', 'unsupported_parameter');
  }
}

/** OpenAI Chat Completions request → the bridge's own request. */
export function toBridgeRequest(body: ChatCompletionRequest, options: { includeThinking: boolean; raw?: unknown }): ChatTranslation {
  refuseUnsupported(body);
  const { system, turns: rawTurns } = toRawTurns(body.messages);
  const tools = toTools(body);
  const legacyFunctions = body.tools === undefined && (body.functions?.length ?? 0) > 0;
  const { choice: toolChoice, offered } = applyToolChoice(tools, requestedToolChoice(body));
  const reasoning = toReasoningChoice(body.reasoning_effort, 'reasoning_effort');
  const stop = body.stop === null || body.stop === undefined ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  const ignored = new Set([
    ...ignoredParameters(body, { handled: HANDLED_PARAMETERS, ignored: new Set(IGNORED_PARAMETERS) }),
    ...(options.raw === undefined ? [] : unknownKeys(chatCompletionRequestSchema, options.raw)),
  ]);
  if (body.tools?.some((t) => t.type === 'function' && t.function.strict)) ignored.add('tools[].function.strict');
  const request: BridgeRequest = {
    model: body.model,
    system: system.length > 0 ? system.join('\n\n') : undefined,
    turns: buildTurns(rawTurns, 'messages'),
    tools: offered,
    toolChoice,
    // Legacy function calling has room for one call per answer.
    parallelToolCalls: legacyFunctions ? false : (body.parallel_tool_calls ?? true),
    maxOutputTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    stop: stop.filter((s) => s !== ''),
    sampling: { temperature: body.temperature ?? undefined, topP: body.top_p ?? undefined },
    outputFormat: toOutputFormat(body),
    effort: reasoning.effort,
    thinking: reasoning.thinkingOff ? 'off' : 'default',
    includeThinking: options.includeThinking,
  };
  return {
    request,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    ignored: [...ignored].sort(),
    legacyFunctions,
  };
}
