import type OpenAI from 'openai';
import { buildTurns, type RawTurn } from '../../core/conversation.js';
import type { BridgeRequest, ImageBlock, OutputFormat, TextBlock, Turn, UserBlock } from '../../core/types.js';
import { invalidRequest } from '../../errors/bridge-error.js';
import { ignoredParameters } from '../ignored-parameters.js';
import { imageFromUrl } from '../images.js';
import { toReasoningChoice } from '../reasoning-effort.js';
import { parseToolArguments, toolInputOrEmpty } from '../tool-arguments.js';
import { applyToolChoice } from '../tool-choice.js';
import { unknownKeys } from '../unknown-keys.js';
import { echoedTools, requestedToolChoice, toTools } from './offered-tools.js';
import {
  clientToolChoiceSchema,
  HOSTED_CALL_ITEM_TYPES,
  responsesRequestSchema,
  type ResponsesContentPart,
  type ResponsesInputItem,
  type ResponsesRequest,
} from './request-schema.js';
import type { EchoedToolChoice, OutputItem, ResponseSettings } from './response-object.js';
import { claudeToolName, customToolInput, type ClientTool } from './tool-names.js';

/** Parameters of the Responses API that have no effect on Claude Code. */
export const IGNORED_PARAMETERS = [
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
  'temperature',
  'top_p',
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
  /** The client's tools by the name Claude is offered them, so that calls go back under the client's own name and namespace. */
  tools: ReadonlyMap<string, ClientTool>;
}

/** The ids of the items the input refers to (`item_reference`), for the route to look up before translating. */
export function referencedItemIds(body: ResponsesRequest): string[] {
  if (!Array.isArray(body.input)) return [];
  return body.input.flatMap((item) => (item.type === 'item_reference' ? [item.id] : []));
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

type ToolOutputValue = Extract<ResponsesInputItem, { type: 'function_call_output' }>['output'];

function toolOutput(output: ToolOutputValue, where: string): Array<TextBlock | ImageBlock> {
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

/** What toRawTurns needs besides the input: the ids already known, and the items that references point to. */
interface InputContext {
  calls: Set<string>;
  notes: Set<string>;
  /** Items of stored responses, by id, for the input's item_reference items (looked up beforehand). */
  references: ReadonlyMap<string, OutputItem>;
}

function toolResult(callId: string, output: ToolOutputValue, source: string, context: InputContext): RawTurn {
  if (!context.calls.has(callId)) {
    throw invalidRequest(
      `Invalid value for '${source}.call_id': no tool call with call_id ${JSON.stringify(callId)} was found in the input or the previous response.`,
      `${source}.call_id`,
      'unknown_call_id',
    );
  }
  return { role: 'user', content: [{ type: 'tool_result', tool_use_id: callId, content: toolOutput(output, `${source}.output`) }], source };
}

function toolCall(callId: string, name: string, input: Record<string, unknown>, source: string, context: InputContext): RawTurn {
  context.calls.add(callId);
  return { role: 'assistant', content: [{ type: 'tool_use', id: callId, name, input }], source };
}

/** An item of an earlier response, named by an item_reference, as the turn it stands for. */
function referencedTurn(item: OutputItem, source: string, context: InputContext): RawTurn | undefined {
  switch (item.type) {
    case 'message':
      return { role: 'assistant', content: item.content.filter((p) => p.text !== '').map((p) => ({ type: 'text', text: p.text })), source };
    case 'function_call':
      return toolCall(item.call_id, claudeToolName(item.name, item.namespace), toolInputOrEmpty(item.arguments), source, context);
    case 'custom_tool_call':
      return toolCall(item.call_id, claudeToolName(item.name, item.namespace), customToolInput(item.input), source, context);
    case 'reasoning':
      context.notes.add('input[].reasoning');
      return undefined;
  }
}

/**
 * Input items as turns: messages by role, function and custom tool calls as
 * the assistant's tool_use blocks (under the name Claude was offered the
 * tool by) and their outputs as tool_result blocks, so the history reaches
 * Claude in its own structure. Item references are replaced by the items
 * they name.
 */
function toRawTurns(input: ResponsesRequest['input'], context: InputContext): { system: string[]; turns: RawTurn[] } {
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
      case 'function_call':
        turns.push(
          toolCall(item.call_id, claudeToolName(item.name, item.namespace ?? undefined), parseToolArguments(item.arguments, `${source}.arguments`), source, context),
        );
        return;
      case 'custom_tool_call':
        turns.push(toolCall(item.call_id, claudeToolName(item.name, item.namespace ?? undefined), customToolInput(item.input), source, context));
        return;
      case 'function_call_output':
      case 'custom_tool_call_output':
        turns.push(toolResult(item.call_id, item.output, source, context));
        return;
      case 'reasoning':
        // Claude Code drops earlier thinking from the history it resumes; say so rather than pretend.
        context.notes.add('input[].reasoning');
        return;
      case 'item_reference': {
        const referenced = context.references.get(item.id);
        if (!referenced) {
          throw invalidRequest(
            `Invalid value for '${source}.id': no stored item with id ${JSON.stringify(item.id)} was found (items of responses stored by this bridge can be referenced; send any other item itself).`,
            `${source}.id`,
            'item_not_found',
          );
        }
        const turn = referencedTurn(referenced, source, context);
        if (turn) turns.push(turn);
        return;
      }
      default:
        if ((HOSTED_CALL_ITEM_TYPES as readonly string[]).includes(item.type)) {
          // A record of one of OpenAI's hosted tools at work: Claude never saw what it found.
          context.notes.add(`input[].${item.type}`);
          return;
        }
        throw invalidRequest(
          `Input items of type ${item.type} ('${source}') are not supported: the bridge passes messages, function and custom tool calls and their outputs.`,
          source,
          'unsupported_input_item',
        );
    }
  });
  return { system, turns };
}

function toOutputFormat(body: ResponsesRequest): OutputFormat | undefined {
  const format = body.text?.format;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  return { type: 'json_schema', name: format.name, schema: format.schema };
}

const SUMMARIES = ['auto', 'concise', 'detailed'] as const satisfies ReadonlyArray<OpenAI.Reasoning['summary']>;

/**
 * The summary asked for, as the response repeats it. Any value is taken
 * (Claude's thinking comes back as it is, whatever was asked), but only
 * OpenAI's own values are repeated: another is null, as OpenAI's type has it.
 */
function echoedSummary(summary: string | null | undefined): OpenAI.Reasoning['summary'] {
  return SUMMARIES.find((value) => value === summary) ?? null;
}

/** The tool choice as the response repeats it: requestedToolChoice has refused all but the client tool forms. */
function echoedToolChoice(choice: ResponsesRequest['tool_choice']): EchoedToolChoice {
  return clientToolChoiceSchema.safeParse(choice ?? 'auto').data ?? 'auto';
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
  options: {
    includeThinking: boolean;
    previous?: StoredConversation;
    /** The stored items the input's item_reference items name, by id (see referencedItemIds). */
    references?: ReadonlyMap<string, OutputItem>;
    /** The body as the client sent it, to name the keys the schema does not know. */
    raw?: unknown;
  },
): ResponsesTranslation {
  refuseUnsupported(body);
  const notes = new Set<string>();
  const previous = options.previous ?? { system: [], turns: [] };
  const context: InputContext = { calls: callIdsOf(previous.turns), notes, references: options.references ?? new Map() };
  const input = toRawTurns(body.input, context);
  const rawTurns: RawTurn[] = [...previous.turns.map((turn) => ({ ...turn, source: 'previous_response_id' })), ...input.turns];
  const conversationSystem = [...previous.system, ...input.system];
  const { specs, names } = toTools(body, notes);
  const { choice: toolChoice, offered } = applyToolChoice(specs, requestedToolChoice(body, names));
  const reasoning = toReasoningChoice(body.reasoning?.effort, 'reasoning.effort');
  if (body.reasoning?.summary || body.reasoning?.generate_summary) notes.add('reasoning.summary');
  if (body.text?.verbosity) notes.add('text.verbosity');
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
    sampling: { temperature: body.temperature ?? undefined, topP: body.top_p ?? undefined },
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
    reasoning: { effort: reasoning.requested ?? null, summary: echoedSummary(body.reasoning?.summary) },
    store,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: echoedToolChoice(body.tool_choice),
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    tools: echoedTools(body),
    metadata: body.metadata ?? {},
  };
  const ignored = new Set([
    ...ignoredParameters(body, { handled: HANDLED_PARAMETERS, ignored: new Set(IGNORED_PARAMETERS) }),
    ...(options.raw === undefined ? [] : unknownKeys(responsesRequestSchema, options.raw)),
    ...notes,
  ]);
  return {
    request,
    stream: body.stream === true,
    store,
    ignored: [...ignored].sort(),
    settings,
    conversation: { system: conversationSystem, turns },
    tools: names,
  };
}
