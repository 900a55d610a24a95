import type OpenAI from 'openai';
import type { ToolSpec } from '../../core/types.js';
import { invalidRequest } from '../../errors/bridge-error.js';
import type { RequestedToolChoice } from '../tool-choice.js';
import { toToolSpecs } from '../tool-schemas.js';
import { zodToBridgeError } from '../zod-errors.js';
import {
  customToolSchema,
  functionToolSchema,
  namespaceToolSchema,
  type ResponsesCustomTool,
  type ResponsesFunctionTool,
  type ResponsesRequest,
} from './request-schema.js';
import type { EchoedTool } from './response-object.js';
import { claudeToolName, type ClientTool } from './tool-names.js';

/*
 * The Responses API's tools as Claude is offered them: functions as they
 * are, the functions and custom tools of a namespace each under one flat
 * name, custom tools as tools with one string input, and OpenAI's hosted
 * tools left out (and named). Also tool_choice, which names tools as the
 * client knows them.
 */

/**
 * A custom (freeform) tool as Claude is offered it: a tool whose input is
 * one string. Claude cannot be held to a grammar, so a grammar is given to
 * Claude in the input's description, for Claude to follow.
 */
function customToolParameters(tool: ResponsesCustomTool): Record<string, unknown> {
  const format = tool.format;
  const description =
    format?.type === 'grammar'
      ? `The input, as free text that must match this ${format.syntax} grammar:\n${format.definition}`
      : 'The input, as free text.';
  return { type: 'object', properties: { input: { type: 'string', description } }, required: ['input'], additionalProperties: false };
}

/** Every client tool of the request, with the name Claude is offered it by. */
interface OfferedTool {
  claudeName: string;
  client: ClientTool;
  description: string | null | undefined;
  parameters: Record<string, unknown> | null | undefined;
  param: string;
}

function offeredTools(body: ResponsesRequest, notes: Set<string>): OfferedTool[] {
  const offered: OfferedTool[] = [];
  const add = (tool: unknown, param: string, namespace?: { name: string; description?: string | null }) => {
    const type = (tool as { type?: unknown }).type;
    if (type === 'function') {
      const parsed = functionToolSchema.safeParse(tool);
      if (!parsed.success) throw zodToBridgeError(parsed.error, param);
      const fn = parsed.data;
      if (fn.strict) notes.add('tools[].strict');
      offered.push({
        claudeName: claudeToolName(fn.name, namespace?.name),
        client: { name: fn.name, kind: 'function', ...(namespace ? { namespace: namespace.name } : {}) },
        description: joinDescriptions(namespace?.description, fn.description),
        parameters: fn.parameters,
        param,
      });
      return;
    }
    if (type === 'custom') {
      const parsed = customToolSchema.safeParse(tool);
      if (!parsed.success) throw zodToBridgeError(parsed.error, param);
      const custom = parsed.data;
      offered.push({
        claudeName: claudeToolName(custom.name, namespace?.name),
        client: { name: custom.name, kind: 'custom', ...(namespace ? { namespace: namespace.name } : {}) },
        description: joinDescriptions(namespace?.description, custom.description),
        parameters: customToolParameters(custom),
        param,
      });
      return;
    }
    if (type === 'namespace' && !namespace) {
      const parsed = namespaceToolSchema.safeParse(tool);
      if (!parsed.success) throw zodToBridgeError(parsed.error, param);
      parsed.data.tools.forEach((inner, j) => add(inner, `${param}.tools[${j}]`, parsed.data));
      return;
    }
    // OpenAI's hosted tools run at OpenAI; the bridge cannot run them, and
    // Claude answers without them, as a model that chose not to use them would.
    notes.add(`tools[].${String(type)}`);
  };
  (body.tools ?? []).forEach((tool, i) => add(tool, `tools[${i}]`));
  return offered;
}

/** A namespace's description gives its tools their context, so Claude sees it with each of them. */
function joinDescriptions(namespace: string | null | undefined, own: string | null | undefined): string | null | undefined {
  return namespace ? [namespace, own].filter((d) => d).join('\n\n') : own;
}

function echoedFunction(fn: ResponsesFunctionTool): OpenAI.Responses.FunctionTool {
  return { type: 'function', name: fn.name, description: fn.description ?? null, parameters: fn.parameters ?? null, strict: fn.strict ?? null };
}

function echoedCustom(tool: ResponsesCustomTool): OpenAI.Responses.CustomTool {
  return {
    type: 'custom',
    name: tool.name,
    ...(tool.description === null || tool.description === undefined ? {} : { description: tool.description }),
    ...(tool.format ? { format: tool.format } : {}),
  };
}

/**
 * The tools as the response repeats them: the client's own, which Claude
 * was offered (functions in OpenAI's full form, custom tools, namespaces),
 * each as OpenAI's type has it. OpenAI's hosted tools are left out: Claude
 * answered without them (the ignored header names them), and as sent they
 * need not be a tool OpenAI's schema knows.
 */
export function echoedTools(body: ResponsesRequest): EchoedTool[] {
  return (body.tools ?? []).flatMap((tool): EchoedTool[] => {
    const fn = functionToolSchema.safeParse(tool);
    if (fn.success) return [echoedFunction(fn.data)];
    const custom = customToolSchema.safeParse(tool);
    if (custom.success) return [echoedCustom(custom.data)];
    const namespace = namespaceToolSchema.safeParse(tool);
    if (!namespace.success) return [];
    const { name, description, tools } = namespace.data;
    // OpenAI's namespace always has a description; a client that sent none gave it an empty one.
    return [{ type: 'namespace', name, description: description ?? '', tools: tools.map((t) => (t.type === 'function' ? t : echoedCustom(t))) }];
  });
}

export function toTools(body: ResponsesRequest, notes: Set<string>): { specs: ToolSpec[]; names: Map<string, ClientTool> } {
  const offered = offeredTools(body, notes);
  const specs = toToolSpecs(offered.map((t) => ({ name: t.claudeName, description: t.description, parameters: t.parameters, param: t.param })));
  return { specs, names: new Map(offered.map((t) => [t.claudeName, t.client])) };
}

/** The Claude name of the tool a client names in tool_choice: a top-level tool of that name, else the one namespaced tool of that name. */
function chosenTool(name: string, kind: ClientTool['kind'], names: ReadonlyMap<string, ClientTool>): string {
  const matches = [...names].filter(([, tool]) => tool.name === name && tool.kind === kind);
  const direct = matches.find(([, tool]) => tool.namespace === undefined);
  if (direct) return direct[0];
  return matches.length === 1 ? matches[0]![0] : name;
}

export function requestedToolChoice(body: ResponsesRequest, names: ReadonlyMap<string, ClientTool>): RequestedToolChoice {
  const choice = body.tool_choice;
  if (choice === undefined || choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'required', param: 'tool_choice' };
  if ((choice.type === 'function' || choice.type === 'custom') && 'name' in choice && typeof choice.name === 'string') {
    return { type: 'function', name: chosenTool(choice.name, choice.type, names), param: 'tool_choice.name' };
  }
  if (choice.type === 'allowed_tools' && 'tools' in choice && Array.isArray(choice.tools) && 'mode' in choice) {
    const allowed = choice.tools.flatMap((t, i) => {
      const param = `tool_choice.tools[${i}]`;
      if ((t.type === 'function' || t.type === 'custom') && typeof t.name === 'string') {
        return [{ name: chosenTool(t.name, t.type, names), param: `${param}.name` }];
      }
      if (t.type === 'function' || t.type === 'custom') {
        throw invalidRequest(`Invalid value for '${param}': a ${t.type} tool is allowed by its name.`, param, 'invalid_tool_choice');
      }
      // A hosted tool: it is not offered at all, so allowing it changes nothing.
      return [];
    });
    return { type: 'allowed', mode: choice.mode === 'required' ? 'required' : 'auto', names: allowed };
  }
  throw invalidRequest(
    `Invalid value for 'tool_choice': ${JSON.stringify(choice.type)} cannot be forced, since the bridge does not run OpenAI's hosted tools; use auto, none, required, a function, a custom tool or allowed_tools.`,
    'tool_choice',
    'invalid_tool_choice',
  );
}
