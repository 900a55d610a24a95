import { buildTurns, type RawTurn } from '../../core/conversation.js';
import type { AssistantBlock, BridgeRequest, ImageBlock, OutputFormat, TextBlock, ToolSpec, UserBlock } from '../../core/types.js';
import { invalidRequest } from '../../errors/bridge-error.js';
import { ignoredParameters } from '../ignored-parameters.js';
import { imageFromBase64, imageFromUrl } from '../images.js';
import { applyToolChoice, type RequestedToolChoice } from '../tool-choice.js';
import { toToolSpecs } from '../tool-schemas.js';
import { unknownKeys } from '../unknown-keys.js';
import {
  anthropicCountTokensRequestSchema,
  anthropicMessagesRequestSchema,
  type AnthropicContentBlock,
  type AnthropicCountTokensRequest,
  type AnthropicMessage,
  type AnthropicMessagesRequest,
  type AnthropicTool,
  type AnthropicToolResultContent,
} from './request-schema.js';

/** Parameters of Anthropic's API that have no effect on Claude Code. */
export const IGNORED_PARAMETERS = [
  'metadata',
  'service_tier',
  'cache_control',
  'speed',
  'inference_geo',
  'diagnostics',
  'context_management',
  'user_profile_id',
  'workspace_id',
  // Anthropic's code execution container and its remote MCP servers run at
  // Anthropic, not in Claude Code: like its server tools, they are left out.
  'container',
  'mcp_servers',
] as const;

/** Parameters the translator honours, or refuses when they ask for what Claude Code cannot do. */
const HANDLED_PARAMETERS = new Set<string>([
  'model',
  'messages',
  'system',
  'max_tokens',
  'stop_sequences',
  'temperature',
  'top_p',
  'top_k',
  'stream',
  'tools',
  'tool_choice',
  'thinking',
  'output_config',
]);

export interface AnthropicTranslation {
  request: BridgeRequest;
  stream: boolean;
  /** Parameters present in the request that had no effect (reported to the client). */
  ignored: string[];
}

type Block = AnthropicContentBlock;

function textOfSystem(content: string | Array<{ text: string }>): string {
  return typeof content === 'string' ? content : content.map((b) => b.text).join('\n\n');
}

function image(block: Extract<Block, { type: 'image' }>, where: string): ImageBlock {
  const { source } = block;
  switch (source.type) {
    case 'base64':
      return imageFromBase64(source.media_type, source.data, `${where}.source`);
    case 'url':
      return imageFromUrl(source.url, `${where}.source.url`);
    case 'file':
      throw invalidRequest(
        `Invalid value for '${where}.source': images from the Files API are not supported; send the image inline (base64) or as a URL.`,
        `${where}.source`,
        'unsupported_content',
      );
  }
}

function refuseDocument(where: string): never {
  throw invalidRequest(
    `Document blocks ('${where}') are not supported: Claude Code receives text and images only; send the document's text.`,
    where,
    'unsupported_content',
  );
}

function toolResultContent(
  content: string | AnthropicToolResultContent[] | undefined,
  where: string,
  notes: Set<string>,
): Array<TextBlock | ImageBlock> {
  if (content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.flatMap((part, i): Array<TextBlock | ImageBlock> => {
    const at = `${where}[${i}]`;
    switch (part.type) {
      case 'text':
        return part.text === '' ? [] : [{ type: 'text', text: part.text }];
      case 'image':
        return [image(part, at)];
      case 'tool_reference':
        // A tool search's answer asks the API to load a deferred tool; the
        // bridge offered every tool from the start, so it is already there.
        notes.add('messages[].content[].content[].tool_reference');
        return [];
      default:
        return refuseDocument(at);
    }
  });
}

function wrongRole(block: Block, role: string, where: string): never {
  throw invalidRequest(`Invalid value for '${where}': a ${block.type} block cannot appear in a ${role} message.`, where, 'invalid_content');
}

function userBlocks(content: Block[], source: string, calls: ReadonlySet<string>, notes: Set<string>): UserBlock[] {
  return content.flatMap((block, i): UserBlock[] => {
    const where = `${source}.content[${i}]`;
    switch (block.type) {
      case 'text':
        return block.text === '' ? [] : [{ type: 'text', text: block.text }];
      case 'image':
        return [image(block, where)];
      case 'document':
        return refuseDocument(where);
      case 'tool_result':
        if (!calls.has(block.tool_use_id)) {
          throw invalidRequest(
            `Invalid value for '${where}.tool_use_id': no earlier assistant message has a tool_use block with id ${JSON.stringify(block.tool_use_id)}.`,
            `${where}.tool_use_id`,
            'unknown_tool_use_id',
          );
        }
        return [
          {
            type: 'tool_result',
            tool_use_id: block.tool_use_id,
            content: toolResultContent(block.content, `${where}.content`, notes),
            ...(block.is_error ? { is_error: true } : {}),
          },
        ];
      default:
        return wrongRole(block, 'user', where);
    }
  });
}

function assistantBlocks(content: Block[], source: string, calls: Set<string>, notes: Set<string>): AssistantBlock[] {
  return content.flatMap((block, i): AssistantBlock[] => {
    const where = `${source}.content[${i}]`;
    switch (block.type) {
      case 'text':
        return block.text === '' ? [] : [{ type: 'text', text: block.text }];
      case 'tool_use':
        calls.add(block.id);
        return [{ type: 'tool_use', id: block.id, name: block.name, input: block.input }];
      case 'thinking':
      case 'redacted_thinking':
        // Claude Code drops thinking blocks from the history the bridge
        // hands it, so the bridge leaves them out and says so rather than
        // pretend to pass them on.
        notes.add(`messages[].content[].${block.type}`);
        return [];
      default:
        return wrongRole(block, 'assistant', where);
    }
  });
}

/**
 * The message list as turns. `system` messages join the system prompt;
 * thinking blocks in history are dropped (and reported).
 */
function toRawTurns(messages: AnthropicMessage[], notes: Set<string>): { system: string[]; turns: RawTurn[] } {
  const system: string[] = [];
  const turns: RawTurn[] = [];
  const calls = new Set<string>();
  messages.forEach((message, i) => {
    const source = `messages[${i}]`;
    if (message.role === 'system') {
      const blocks = typeof message.content === 'string' ? message.content : message.content.map((b, j) => {
        if (b.type !== 'text') wrongRole(b, 'system', `${source}.content[${j}]`);
        return b;
      });
      const text = textOfSystem(blocks);
      if (text !== '') system.push(text);
      return;
    }
    const blocks: Block[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    turns.push({
      role: message.role,
      content: message.role === 'user' ? userBlocks(blocks, source, calls, notes) : assistantBlocks(blocks, source, calls, notes),
      source,
    });
  });
  return { system, turns };
}

/**
 * Anthropic's tools that the client itself runs, with schemas Claude was
 * trained on: the bridge cannot offer them as such, and leaving them out
 * would leave the client's own tool uncalled, so they are refused.
 */
const CLIENT_RUN_ANTHROPIC_TOOLS = ['bash_', 'text_editor_', 'computer_', 'memory_'];

function isClientTool(tool: AnthropicTool): tool is Extract<AnthropicTool, { input_schema?: unknown }> {
  return tool.type === undefined || tool.type === null || tool.type === 'custom';
}

/**
 * The client's tools as the bridge offers them. Anthropic's server tools
 * (web search, web fetch, code execution, tool search …) run at Anthropic
 * on a request Claude Code builds itself, so they cannot be passed on:
 * they are left out and reported, and Claude answers without them.
 */
function toTools(body: AnthropicCountTokensRequest, notes: Set<string>): ToolSpec[] {
  const definitions = (body.tools ?? []).flatMap((tool, i) => {
    const param = `tools[${i}]`;
    if (!isClientTool(tool)) {
      const type = String(tool.type);
      if (CLIENT_RUN_ANTHROPIC_TOOLS.some((prefix) => type.startsWith(prefix))) {
        throw invalidRequest(
          `Invalid value for '${param}.type': Anthropic's ${type} tool is not available through Claude Code; declare it as a custom tool with an input_schema.`,
          `${param}.type`,
          'unsupported_tool_type',
        );
      }
      notes.add(`tools[].${type}`);
      return [];
    }
    if (tool.input_schema === undefined) {
      throw invalidRequest(`Invalid value for '${param}.input_schema': a custom tool needs an input_schema.`, `${param}.input_schema`, 'invalid_value');
    }
    return [{ name: tool.name, description: tool.description, parameters: tool.input_schema, param }];
  });
  return toToolSpecs(definitions);
}

function requestedToolChoice(body: AnthropicCountTokensRequest): RequestedToolChoice {
  const choice = body.tool_choice;
  switch (choice?.type) {
    case undefined:
    case 'auto':
      return { type: 'auto' };
    case 'none':
      return { type: 'none' };
    case 'any':
      return { type: 'required', param: 'tool_choice' };
    case 'tool':
      return { type: 'function', name: choice.name, param: 'tool_choice.name' };
  }
}

function toOutputFormat(body: AnthropicCountTokensRequest): OutputFormat | undefined {
  const format = body.output_config?.format;
  return format ? { type: 'json_schema', schema: format.schema } : undefined;
}

/** Claude Code's own accounting line, which Claude Code puts first in the system prompt of every request it makes. */
const BILLING_HEADER = 'x-anthropic-billing-header:';

/**
 * The system prompt's text. Claude Code, as a client of this API, sends its
 * billing line as the first system block; it is accounting for Anthropic's
 * API, not an instruction, and the bridge's own Claude Code sends its own,
 * so that line is left out rather than shown to Claude as prompt text (and
 * only that line, should a client put more text after it).
 */
function systemText(system: AnthropicCountTokensRequest['system'], notes: Set<string>): string[] {
  if (system === undefined) return [];
  const blocks = typeof system === 'string' ? [{ text: system }] : system;
  const kept = blocks.flatMap((block) => {
    if (!block.text.startsWith(BILLING_HEADER)) return [block];
    notes.add(`system[].${BILLING_HEADER.slice(0, -1)}`);
    const newline = block.text.indexOf('\n');
    const rest = newline < 0 ? '' : block.text.slice(newline + 1).replace(/^\n+/, '');
    return rest === '' ? [] : [{ text: rest }];
  });
  return kept.length > 0 ? [textOfSystem(kept)] : [];
}

/** Whether any block (system, message, tool result content) or tool carries a cache_control mark. */
function hasNestedCacheControl(body: AnthropicCountTokensRequest): boolean {
  const marked = (b: object) => 'cache_control' in b && b.cache_control !== undefined && b.cache_control !== null;
  const blocks = body.messages.flatMap((m) => (typeof m.content === 'string' ? [] : m.content));
  const inner = blocks.flatMap((b) => (b.type === 'tool_result' && Array.isArray(b.content) ? b.content : []));
  return [...(Array.isArray(body.system) ? body.system : []), ...blocks, ...inner, ...(body.tools ?? [])].some(marked);
}

/**
 * Anthropic Messages request → the bridge's own request. Shared by
 * messages.create and messages.count_tokens (which has no max_tokens and
 * no stream).
 */
export function toBridgeRequest(
  body: AnthropicMessagesRequest | AnthropicCountTokensRequest,
  options: { includeThinking: boolean; raw?: unknown },
): AnthropicTranslation {
  // What the translation leaves out below the top level, for the ignored-parameters header.
  const notes = new Set<string>();
  const { system: messageSystem, turns } = toRawTurns(body.messages, notes);
  const tools = toTools(body, notes);
  const { choice: toolChoice, offered } = applyToolChoice(tools, requestedToolChoice(body));
  const system = [...systemText(body.system, notes), ...messageSystem].filter((s) => s !== '');
  const thinking = body.thinking;
  if (thinking?.type === 'enabled') notes.add('thinking.budget_tokens');
  if (thinking && thinking.type !== 'disabled' && thinking.display) notes.add('thinking.display');
  if (hasNestedCacheControl(body)) notes.add('cache_control');
  if (body.tools?.some((t) => isClientTool(t) && t.strict)) notes.add('tools[].strict');
  const choice = body.tool_choice;
  const explicitEffort = body.output_config?.effort ?? undefined;
  const full = 'max_tokens' in body ? (body as AnthropicMessagesRequest) : undefined;
  const request: BridgeRequest = {
    model: body.model,
    system: system.length > 0 ? system.join('\n\n') : undefined,
    turns: buildTurns(turns, 'messages'),
    tools: offered,
    toolChoice,
    parallelToolCalls: !(choice && choice.type !== 'none' && choice.disable_parallel_tool_use),
    maxOutputTokens: full?.max_tokens,
    stop: (full?.stop_sequences ?? []).filter((s) => s !== ''),
    sampling: { temperature: full?.temperature, topP: full?.top_p, topK: full?.top_k },
    outputFormat: toOutputFormat(body),
    // Claude Code cannot switch thinking off for models that think
    // adaptively; the lowest effort is the nearest it comes.
    effort: explicitEffort ?? (thinking?.type === 'disabled' ? 'low' : undefined),
    thinking: thinking?.type === 'disabled' ? 'off' : 'default',
    // As on Anthropic's API, thinking blocks come back only to a client that asked for thinking.
    includeThinking: options.includeThinking && (thinking?.type === 'enabled' || thinking?.type === 'adaptive'),
  };
  const schema = full ? anthropicMessagesRequestSchema : anthropicCountTokensRequestSchema;
  const ignored = new Set([
    ...ignoredParameters(body, { handled: HANDLED_PARAMETERS, ignored: new Set(IGNORED_PARAMETERS) }),
    ...(options.raw === undefined ? [] : unknownKeys(schema, options.raw)),
    ...notes,
  ]);
  return { request, stream: full?.stream === true, ignored: [...ignored].sort() };
}
