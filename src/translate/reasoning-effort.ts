import type { EffortLevel } from '../core/types.js';
import { invalidRequest } from '../errors/bridge-error.js';

/**
 * OpenAI's reasoning efforts as Claude Code's effort levels. `none` and
 * `minimal` have no counterpart: they run at Claude Code's lowest level
 * (and `none` also asks Claude Code to turn thinking off, see below).
 */
const EFFORTS: Record<string, EffortLevel> = {
  none: 'low',
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'max',
};

export interface ReasoningChoice {
  effort: EffortLevel | undefined;
  /** The client asked for no reasoning at all. */
  thinkingOff: boolean;
}

/** An OpenAI reasoning effort (Chat's `reasoning_effort`, Responses' `reasoning.effort`); a 400 naming `param` otherwise. */
export function toReasoningChoice(raw: string | null | undefined, param: string): ReasoningChoice {
  if (raw === null || raw === undefined) return { effort: undefined, thinkingOff: false };
  const effort = EFFORTS[raw];
  if (!effort) {
    throw invalidRequest(
      `Invalid value for '${param}': ${JSON.stringify(raw)}; expected one of ${Object.keys(EFFORTS).join(', ')}.`,
      param,
      'invalid_value',
    );
  }
  return { effort, thinkingOff: raw === 'none' };
}
