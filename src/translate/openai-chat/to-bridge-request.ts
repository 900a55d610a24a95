import { buildTurns, type RawTurn } from '../../core/conversation.js';
import type {
  AssistantBlock,
  BridgeRequest,
  EffortLevel,
  OutputFormat,
  TextBlock,
  ToolChoice,
  ToolSpec,
  UserBlock,
} from '../../core/types.js';
import { invalidRequest } from '../../errors/bridge-error.js';
import { imageFromUrl } from '../images.js';
import { checkToolDefinition } from '../tool-schemas.js';
import type { ChatCompletionRequest, ChatMessage, UserContentPart } from './request-schema.js';

/** Parameters accepted for compatibility that have no effect on Claude Code. */
export const IGNORED_PARAMETERS = [
  'temperature',
  'top_p',
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
] as const;

const KNOWN_PARAMETERS = new Set<string>([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'stop',
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
  'prediction',
  'web_search_options',
  ...IGNORED_PARAMETERS,
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

function parseArguments(raw: string, param: string): Record<string, unknown> {
  try {
    const value: unknown = raw.trim() === '' ? {} : JSON.parse(raw);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalidRequest(`Invalid value for '${param}': tool call arguments must be a JSON object.`, param, 'invalid_tool_arguments');
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
            input: parseArguments(call.function.arguments, `${source}.tool_calls[${j}].function.arguments`),
          });
        });
        if (message.function_call) {
          pendingLegacyCall = `call_legacy_${i}`;
          callIds.add(pendingLegacyCall);
          content.push({
            type: 'tool_use',
            id: pendingLegacyCall,
            name: message.function_call.name,
            input: parseArguments(message.function_call.arguments, `${source}.function_call.arguments`),
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
  const definitions =
    body.tools !== undefined
      ? body.tools.map((tool, i) => {
          if (tool.type === 'custom') {
            throw invalidRequest(
              `Custom tools ('tools[${i}]') are not supported: declare a function with JSON Schema parameters.`,
              `tools[${i}]`,
              'unsupported_tool_type',
            );
          }
          return { fn: tool.function, param: `tools[${i}].function` };
        })
      : (body.functions ?? []).map((fn, i) => ({ fn, param: `functions[${i}]` }));
  const seen = new Set<string>();
  return definitions.map(({ fn, param }) => {
    const parameters = checkToolDefinition(fn.name, fn.parameters, param);
    if (seen.has(fn.name)) {
      throw invalidRequest(`Invalid value for '${param}.name': duplicate function name ${fn.name}.`, `${param}.name`, 'duplicate_function_name');
    }
    seen.add(fn.name);
    return { name: fn.name, description: fn.description ?? '', parameters };
  });
}

/** The tool choice, and the tools it leaves on offer. */
function toToolChoice(body: ChatCompletionRequest, tools: ToolSpec[]): { choice: ToolChoice; offered: ToolSpec[] } {
  const raw = body.tool_choice ?? body.function_call;
  const param = body.tool_choice !== undefined ? 'tool_choice' : 'function_call';
  const known = (name: string, where: string) => {
    if (!tools.some((t) => t.name === name)) {
      throw invalidRequest(`Invalid value for '${where}': no tool named ${JSON.stringify(name)} was given.`, where, 'invalid_tool_choice');
    }
  };
  if (raw === undefined || raw === 'auto') return { choice: { type: 'auto' }, offered: tools };
  if (raw === 'none') return { choice: { type: 'none' }, offered: [] };
  if (raw === 'required') {
    if (tools.length === 0) throw invalidRequest(`'${param}' is "required" but no tools were given.`, param, 'invalid_tool_choice');
    return { choice: { type: 'required' }, offered: tools };
  }
  if ('type' in raw && raw.type === 'custom') {
    throw invalidRequest('Custom tools are not supported.', param, 'unsupported_tool_type');
  }
  if ('type' in raw && raw.type === 'allowed_tools') {
    const names = raw.allowed_tools.tools.map((t, i) => {
      const name = t.function?.name;
      if (t.type !== 'function' || name === undefined) {
        throw invalidRequest(`Only function tools can be allowed.`, `${param}.allowed_tools.tools[${i}]`, 'invalid_tool_choice');
      }
      known(name, `${param}.allowed_tools.tools[${i}].function.name`);
      return name;
    });
    const offered = tools.filter((t) => names.includes(t.name));
    return { choice: raw.allowed_tools.mode === 'required' ? { type: 'required' } : { type: 'auto' }, offered };
  }
  const name = 'function' in raw ? raw.function.name : raw.name;
  known(name, param);
  return { choice: { type: 'function', name }, offered: tools };
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

const EFFORTS: Record<string, EffortLevel> = {
  none: 'low',
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'max',
};

function toEffort(body: ChatCompletionRequest): EffortLevel | undefined {
  const raw = body.reasoning_effort;
  if (raw === null || raw === undefined) return undefined;
  const effort = EFFORTS[raw];
  if (!effort) {
    throw invalidRequest(
      `Invalid value for 'reasoning_effort': ${JSON.stringify(raw)}; expected one of ${Object.keys(EFFORTS).join(', ')}.`,
      'reasoning_effort',
      'invalid_value',
    );
  }
  return effort;
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
  if (body.prediction !== undefined && body.prediction !== null) {
    throw invalidRequest("'prediction' (predicted outputs) is not supported.", 'prediction', 'unsupported_parameter');
  }
  if (body.web_search_options !== undefined && body.web_search_options !== null) {
    throw invalidRequest("'web_search_options' is not supported: the bridge gives Claude no web access.", 'web_search_options', 'unsupported_parameter');
  }
}

/** OpenAI Chat Completions request → the bridge's own request. */
export function toBridgeRequest(body: ChatCompletionRequest, options: { includeThinking: boolean }): ChatTranslation {
  refuseUnsupported(body);
  const { system, turns: rawTurns } = toRawTurns(body.messages);
  const tools = toTools(body);
  const legacyFunctions = body.tools === undefined && (body.functions?.length ?? 0) > 0;
  const { choice: toolChoice, offered } = toToolChoice(body, tools);
  const stop = body.stop === null || body.stop === undefined ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  const ignored = Object.keys(body)
    .filter(
      (key) =>
        (body as Record<string, unknown>)[key] !== undefined &&
        ((IGNORED_PARAMETERS as readonly string[]).includes(key) || !KNOWN_PARAMETERS.has(key)),
    )
    .sort();
  if (body.tools?.some((t) => t.type === 'function' && t.function.strict)) ignored.push('tools[].function.strict');
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
    outputFormat: toOutputFormat(body),
    effort: toEffort(body),
    thinking: body.reasoning_effort === 'none' ? 'off' : 'default',
    includeThinking: options.includeThinking,
  };
  return {
    request,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    ignored,
    legacyFunctions,
  };
}
