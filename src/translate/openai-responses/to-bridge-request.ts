import { buildTurns, type RawTurn } from '../../core/conversation.js';
import type { AssistantBlock, BridgeRequest, ImageBlock, OutputFormat, TextBlock, ToolSpec, Turn, UserBlock } from '../../core/types.js';
import { invalidRequest } from '../../errors/bridge-error.js';
import { ignoredParameters } from '../ignored-parameters.js';
import { imageFromUrl } from '../images.js';
import { toReasoningChoice } from '../reasoning-effort.js';
import { parseToolArguments } from '../tool-arguments.js';
import { applyToolChoice, type RequestedToolChoice } from '../tool-choice.js';
import { toToolSpecs } from '../tool-schemas.js';
import { zodToBridgeError } from '../zod-errors.js';
import { functionToolSchema, type ResponsesContentPart, type ResponsesInputItem, type ResponsesRequest } from './request-schema.js';
import type { EchoedFunctionTool, ResponseSettings } from './response-object.js';

/** Parameters of the Responses API that have no effect on Claude Code. */
export const IGNORED_PARAMETERS = [
  'temperature',
  'top_p',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'service_tier',
  'truncation',
  'max_tool_calls',
  'stream_options',
  'include',
  'context_management',
] as const;

/** Parameters the translator honours, or refuses when they ask for what Claude Code cannot do. */
const HANDLED_PARAMETERS = new Set<string>([
  'model',
  'input',
  'instructions',
  'previous_response_id',
  'store',
  'stream',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'reasoning',
  'text',
  'metadata',
  'top_logprobs',
  'background',
  'conversation',
  'prompt',
]);

/**
 * What a stored response keeps so that a later request can continue from
 * it: the conversation's turns up to and including the answer, and the
 * system and developer messages of its input (which, unlike
 * `instructions`, stay part of the conversation).
 */
export interface StoredConversation {
  system: string[];
  turns: Turn[];
}

export interface ResponsesTranslation {
  request: BridgeRequest;
  stream: boolean;
  store: boolean;
  /** Parameters present in the request that had no effect (reported to the client). */
  ignored: string[];
  /** What the response repeats of the request. */
  settings: ResponseSettings;
  /** The conversation so far (previous response and this input), for storing once answered. */
  conversation: StoredConversation;
}

function textOf(parts: string | ResponsesContentPart[], where: string, allowed: ReadonlyArray<ResponsesContentPart['type']>): TextBlock[] {
  if (typeof parts === 'string') return parts === '' ? [] : [{ type: 'text', text: parts }];
  return parts.flatMap((part, i): TextBlock[] => {
    if (!allowed.includes(part.type)) {
      throw invalidRequest(`Invalid value for '${where}[${i}].type': ${part.type} is not allowed here.`, `${where}[${i}].type`, 'invalid_value');
    }
    const text = part.type === 'refusal' ? part.refusal : 'text' in part ? String(part.text) : '';
    return text === '' ? [] : [{ type: 'text', text }];
  });
}

function image(part: { image_url?: string | null | undefined; file_id?: string | null | undefined }, where: string): ImageBlock {
  if (part.image_url) return imageFromUrl(part.image_url, `${where}.image_url`);
  throw invalidRequest(
    `Invalid value for '${where}': images by file_id are not supported; send the image as a data: or http(s) URL in image_url.`,
    where,
    'unsupported_content',
  );
}

function refuseFile(where: string): never {
  throw invalidRequest(`File input ('${where}') is not supported: send text or images.`, where, 'unsupported_content');
}

function userContent(content: string | ResponsesContentPart[], where: string): UserBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.flatMap((part, i): UserBlock[] => {
    const at = `${where}[${i}]`;
    switch (part.type) {
      case 'input_text':
        return part.text === '' ? [] : [{ type: 'text', text: part.text }];
      case 'input_image':
        return [image(part, at)];
      case 'input_file':
        return refuseFile(at);
      default:
        throw invalidRequest(`Invalid value for '${at}.type': ${part.type} belongs in an assistant message.`, `${at}.type`, 'invalid_value');
    }
  });
}

function toolOutput(output: Extract<ResponsesInputItem, { type: 'function_call_output' }>['output'], where: string): Array<TextBlock | ImageBlock> {
  if (typeof output === 'string') return output === '' ? [] : [{ type: 'text', text: output }];
  return output.flatMap((part, i): Array<TextBlock | ImageBlock> => {
    const at = `${where}[${i}]`;
    if (part.type === 'input_text') return part.text === '' ? [] : [{ type: 'text', text: part.text }];
    if (part.type === 'input_image') return [image(part, at)];
    return refuseFile(at);
  });
}

/** Tool call ids in turns (an earlier response's calls carry the ids the client saw). */
function callIdsOf(turns: readonly Turn[]): Set<string> {
  const ids = new Set<string>();
  for (const turn of turns) for (const block of turn.content) if (block.type === 'tool_use') ids.add(block.id);
  return ids;
}

/**
 * Input items as turns: messages by role, function calls as the assistant's
 * tool_use blocks and their outputs as tool_result blocks, so the history
 * reaches Claude in its own structure.
 */
function toRawTurns(input: ResponsesRequest['input'], calls: Set<string>, notes: Set<string>): { system: string[]; turns: RawTurn[] } {
  if (input === undefined) return { system: [], turns: [] };
  if (typeof input === 'string') return { system: [], turns: [{ role: 'user', content: input === '' ? [] : [{ type: 'text', text: input }], source: 'input' }] };
  const system: string[] = [];
  const turns: RawTurn[] = [];
  input.forEach((item, i) => {
    const source = `input[${i}]`;
    switch (item.type) {
      case 'message': {
        const where = `${source}.content`;
        if (item.role === 'system' || item.role === 'developer') {
          const text = textOf(item.content, where, ['input_text'])
            .map((b) => b.text)
            .join('\n');
          if (text !== '') system.push(text);
        } else if (item.role === 'user') {
          turns.push({ role: 'user', content: userContent(item.content, where), source });
        } else {
          turns.push({ role: 'assistant', content: textOf(item.content, where, ['output_text', 'refusal', 'input_text']), source });
        }
        return;
      }
      case 'function_call': {
        calls.add(item.call_id);
        const block: AssistantBlock = {
          type: 'tool_use',
          id: item.call_id,
          name: item.name,
          input: parseToolArguments(item.arguments, `${source}.arguments`),
        };
        turns.push({ role: 'assistant', content: [block], source });
        return;
      }
      case 'function_call_output':
        if (!calls.has(item.call_id)) {
          throw invalidRequest(
            `Invalid value for '${source}.call_id': no function call with call_id ${JSON.stringify(item.call_id)} was found in the input or the previous response.`,
            `${source}.call_id`,
            'unknown_call_id',
          );
        }
        turns.push({
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: item.call_id, content: toolOutput(item.output, `${source}.output`) }],
          source,
        });
        return;
      case 'reasoning':
        // Claude Code drops earlier thinking from the history it resumes; say so rather than pretend.
        notes.add('input[].reasoning');
        return;
      case 'item_reference':
        throw invalidRequest(
          `Item references ('${source}') are not supported: send the item itself, or continue with previous_response_id.`,
          source,
          'unsupported_input_item',
        );
      default:
        throw invalidRequest(
          `Input items of type ${item.type} ('${source}') are not supported: the bridge passes messages, function calls and their outputs.`,
          source,
          'unsupported_input_item',
        );
    }
  });
  return { system, turns };
}

function toTools(body: ResponsesRequest): { specs: ToolSpec[]; echoed: EchoedFunctionTool[] } {
  const functions = (body.tools ?? []).map((tool, i) => {
    const param = `tools[${i}]`;
    if (tool.type !== 'function') {
      throw invalidRequest(
        `Invalid value for '${param}.type': ${tool.type} tools are not available through Claude Code; declare a function tool with JSON Schema parameters.`,
        `${param}.type`,
        'unsupported_tool_type',
      );
    }
    const parsed = functionToolSchema.safeParse(tool);
    if (!parsed.success) throw zodToBridgeError(parsed.error, param);
    return { tool: parsed.data, param };
  });
  const specs = toToolSpecs(functions.map(({ tool, param }) => ({ name: tool.name, description: tool.description, parameters: tool.parameters, param })));
  const echoed = functions.map(({ tool }) => ({
    type: 'function' as const,
    name: tool.name,
    description: tool.description ?? null,
    parameters: tool.parameters ?? null,
    strict: tool.strict ?? null,
  }));
  return { specs, echoed };
}

function requestedToolChoice(body: ResponsesRequest): RequestedToolChoice {
  const choice = body.tool_choice;
  if (choice === undefined || choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'required', param: 'tool_choice' };
  if (choice.type === 'function' && 'name' in choice && typeof choice.name === 'string') {
    return { type: 'function', name: choice.name, param: 'tool_choice.name' };
  }
  if (choice.type === 'allowed_tools' && 'tools' in choice && Array.isArray(choice.tools) && 'mode' in choice) {
    const names = choice.tools.map((t, i) => {
      const param = `tool_choice.tools[${i}]`;
      if (t.type !== 'function' || typeof t.name !== 'string') {
        throw invalidRequest(`Invalid value for '${param}': only function tools can be allowed.`, param, 'invalid_tool_choice');
      }
      return { name: t.name, param: `${param}.name` };
    });
    return { type: 'allowed', mode: choice.mode === 'required' ? 'required' : 'auto', names };
  }
  throw invalidRequest(
    `Invalid value for 'tool_choice': ${JSON.stringify(choice.type)} is not supported; use auto, none, required, a function or allowed_tools.`,
    'tool_choice',
    'invalid_tool_choice',
  );
}

function toOutputFormat(body: ResponsesRequest): OutputFormat | undefined {
  const format = body.text?.format;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  return { type: 'json_schema', name: format.name, schema: format.schema };
}

function refuseUnsupported(body: ResponsesRequest): void {
  if (body.background) {
    throw invalidRequest("'background' responses are not supported: the bridge answers while the request is open.", 'background', 'unsupported_parameter');
  }
  if (body.conversation !== undefined && body.conversation !== null) {
    throw invalidRequest("'conversation' is not supported: continue a conversation with previous_response_id.", 'conversation', 'unsupported_parameter');
  }
  if (body.prompt !== undefined && body.prompt !== null) {
    throw invalidRequest("'prompt' (stored prompt templates) is not supported: send instructions and input.", 'prompt', 'unsupported_parameter');
  }
  if ((body.top_logprobs ?? 0) > 0) {
    throw invalidRequest("'top_logprobs' is not supported: Claude does not return token log probabilities.", 'top_logprobs', 'unsupported_parameter');
  }
}

/**
 * Responses API request → the bridge's own request. `previous` is the
 * stored conversation named by previous_response_id, already looked up:
 * its turns come first, and its system messages stay, while its
 * instructions do not (as in OpenAI's API, instructions apply to one
 * response).
 */
export function toBridgeRequest(
  body: ResponsesRequest,
  options: { includeThinking: boolean; previous?: StoredConversation },
): ResponsesTranslation {
  refuseUnsupported(body);
  const notes = new Set<string>();
  const previous = options.previous ?? { system: [], turns: [] };
  const calls = callIdsOf(previous.turns);
  const input = toRawTurns(body.input, calls, notes);
  const rawTurns: RawTurn[] = [...previous.turns.map((turn) => ({ ...turn, source: 'previous_response_id' })), ...input.turns];
  const conversationSystem = [...previous.system, ...input.system];
  const { specs, echoed } = toTools(body);
  const { choice: toolChoice, offered } = applyToolChoice(specs, requestedToolChoice(body));
  const reasoning = toReasoningChoice(body.reasoning?.effort, 'reasoning.effort');
  if (body.reasoning?.summary || body.reasoning?.generate_summary) notes.add('reasoning.summary');
  if (body.text?.verbosity) notes.add('text.verbosity');
  if (body.tools?.some((t) => t.type === 'function' && t.strict)) notes.add('tools[].strict');
  const system = [...(body.instructions ? [body.instructions] : []), ...conversationSystem];
  const turns = buildTurns(rawTurns, 'input');
  const request: BridgeRequest = {
    model: body.model,
    system: system.length > 0 ? system.join('\n\n') : undefined,
    turns,
    tools: offered,
    toolChoice,
    parallelToolCalls: body.parallel_tool_calls ?? true,
    maxOutputTokens: body.max_output_tokens ?? undefined,
    stop: [],
    outputFormat: toOutputFormat(body),
    effort: reasoning.effort,
    thinking: reasoning.thinkingOff ? 'off' : 'default',
    includeThinking: options.includeThinking,
  };
  const store = body.store ?? true;
  const settings: ResponseSettings = {
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    parallel_tool_calls: request.parallelToolCalls,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    store,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: echoed,
    metadata: body.metadata ?? {},
  };
  const ignored = new Set([...ignoredParameters(body, { handled: HANDLED_PARAMETERS, ignored: new Set(IGNORED_PARAMETERS) }), ...notes]);
  return {
    request,
    stream: body.stream === true,
    store,
    ignored: [...ignored].sort(),
    settings,
    conversation: { system: conversationSystem, turns },
  };
}
