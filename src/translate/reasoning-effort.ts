import type OpenAI from 'openai';
import type { EffortLevel } from '../core/types.js';
import { invalidRequest } from '../errors/bridge-error.js';

/** OpenAI's reasoning efforts, each one the SDK's type names. */
const EFFORT_NAMES = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const satisfies ReadonlyArray<OpenAI.ReasoningEffort>;

/**
 * OpenAI's reasoning efforts as Claude Code's effort levels. `none` and
 * `minimal` have no counterpart: they run at Claude Code's lowest level
 * (and `none` also asks Claude Code to turn thinking off, see below).
 */
const EFFORTS: Record<(typeof EFFORT_NAMES)[number], EffortLevel> = {
  none: 'low',
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'max',
};

export interface ReasoningChoice {
  /** The effort as the client named it (one of OpenAI's), to repeat in a response. */
  requested: (typeof EFFORT_NAMES)[number] | undefined;
  effort: EffortLevel | undefined;
  /** The client asked for no reasoning at all. */
  thinkingOff: boolean;
}

/** An OpenAI reasoning effort (Chat's `reasoning_effort`, Responses' `reasoning.effort`); a 400 naming `param` otherwise. */
export function toReasoningChoice(raw: string | null | undefined, param: string): ReasoningChoice {
  if (raw === null || raw === undefined) return { requested: undefined, effort: undefined, thinkingOff: false };
  const requested = EFFORT_NAMES.find((name) => name === raw);
  if (!requested) {
    throw invalidRequest(
      `Invalid value for '${param}': ${JSON.stringify(raw)}; expected one of ${EFFORT_NAMES.join(', ')}.`,
      param,
      'invalid_value',
    );
  }
  return { requested, effort: EFFORTS[requested], thinkingOff: requested === 'none' };
}
