import type { BridgeRequest, ToolChoice } from '../core/types.js';
import { CLIENT_TOOL_PREFIX } from './client-tools.js';

/**
 * Request fields Claude Code has no option for, which the bridge sends to
 * Claude's API through Claude Code's CLAUDE_CODE_EXTRA_BODY (a JSON object
 * merged into every Messages API request the process makes). Each can be
 * refused by a model (current models refuse sampling parameters and forced
 * tool use); the bridge then does without it for that model.
 */
export type ExtraField = 'temperature' | 'top_p' | 'top_k' | 'stop' | 'tool_choice';

export interface ExtraBodyPlan {
  /** What goes into CLAUDE_CODE_EXTRA_BODY (empty: nothing to add). */
  body: Record<string, unknown>;
  /** What Claude is told in the system prompt instead, where the API cannot enforce it. */
  instructions: string;
  /** Fields the client set that Claude's API will not apply, for the ignored-parameters header. */
  unapplied: ExtraField[];
}

/** Forced tool use, as instructions: for a model (or a login) that cannot have it enforced. */
export function toolInstructions(choice: ToolChoice, parallelToolCalls: boolean): string {
  const lines: string[] = [];
  if (choice.type === 'required') lines.push('In this reply you must call at least one of the available tools.');
  if (choice.type === 'function') lines.push(`In this reply you must call the tool ${CLIENT_TOOL_PREFIX}${choice.name}.`);
  if (!parallelToolCalls) lines.push('Call at most one tool in this reply.');
  return lines.join(' ');
}

const forced = (choice: ToolChoice) => choice.type === 'required' || choice.type === 'function';

/**
 * The extra body for one request. `refused` are the fields this model is
 * known to refuse; `honoured` is false once Claude Code was seen to ignore
 * the variable altogether (an organisation policy can disable it), and then
 * the bridge falls back to what it can do without: tool choice as an
 * instruction, stop sequences cut from the answer as it streams.
 */
export function planExtraBody(request: BridgeRequest, refused: ReadonlySet<ExtraField>, honoured = true): ExtraBodyPlan {
  const body: Record<string, unknown> = {};
  const unapplied: ExtraField[] = [];
  const { sampling } = request;
  const usable = (field: ExtraField) => honoured && !refused.has(field);
  const sample = (field: 'temperature' | 'top_p' | 'top_k', value: number | undefined) => {
    if (value === undefined) return;
    if (usable(field)) body[field] = value;
    else unapplied.push(field);
  };
  // Claude's API takes a temperature from 0 to 1; OpenAI's clients may send up to 2.
  sample('temperature', sampling.temperature === undefined ? undefined : Math.min(sampling.temperature, 1));
  sample('top_p', sampling.topP);
  sample('top_k', sampling.topK);
  if (request.stop.length > 0 && usable('stop')) body.stop_sequences = request.stop;

  let instructions = '';
  if (request.tools.length > 0) {
    const choice = request.toolChoice;
    const oneCall = request.parallelToolCalls ? {} : { disable_parallel_tool_use: true };
    if (forced(choice) && usable('tool_choice')) {
      body.tool_choice = choice.type === 'function' ? { type: 'tool', name: `${CLIENT_TOOL_PREFIX}${choice.name}`, ...oneCall } : { type: 'any', ...oneCall };
      // Claude's API forces a tool only with thinking off.
      body.thinking = { type: 'disabled' };
    } else if (honoured) {
      // The API still limits the answer to one call; forcing is asked for in words.
      if (forced(choice)) unapplied.push('tool_choice');
      if (!request.parallelToolCalls) body.tool_choice = { type: 'auto', ...oneCall };
      instructions = toolInstructions(choice, true);
    } else {
      if (forced(choice)) unapplied.push('tool_choice');
      instructions = toolInstructions(choice, request.parallelToolCalls);
    }
  }
  return { body, instructions, unapplied };
}

/** The request fields of the extra body, as Claude's API names them. */
const API_NAMES: Record<ExtraField, RegExp> = {
  temperature: /\btemperature\b/i,
  top_p: /\btop_p\b/i,
  top_k: /\btop_k\b/i,
  stop: /\bstop_sequences?\b/i,
  tool_choice: /\btool_choice\b|\bforced tool\b|\btool use\b|\bthinking\b/i,
};

/**
 * The fields of this extra body that an upstream refusal (HTTP 400) names,
 * such as "`temperature` is deprecated for this model" or forced tool use
 * being unsupported. Empty when the refusal is about something else.
 */
export function refusedFields(message: string, body: Record<string, unknown>): ExtraField[] {
  const sent: ExtraField[] = [];
  if ('temperature' in body) sent.push('temperature');
  if ('top_p' in body) sent.push('top_p');
  if ('top_k' in body) sent.push('top_k');
  if ('stop_sequences' in body) sent.push('stop');
  const choice = body.tool_choice as { type?: string } | undefined;
  if (choice?.type === 'any' || choice?.type === 'tool') sent.push('tool_choice');
  return sent.filter((field) => API_NAMES[field].test(message));
}

/** What each model was seen to refuse, for the life of the server. */
export class ModelRefusals {
  private readonly byModel = new Map<string, Set<ExtraField>>();

  /** What any of these names of one model (an alias, the id it resolves to) was seen to refuse. */
  of(names: readonly string[]): ReadonlySet<ExtraField> {
    return new Set(names.flatMap((name) => [...(this.byModel.get(name) ?? [])]));
  }

  record(names: readonly string[], fields: readonly ExtraField[]): void {
    for (const name of names) {
      const set = this.byModel.get(name) ?? new Set<ExtraField>();
      for (const field of fields) set.add(field);
      this.byModel.set(name, set);
    }
  }
}
