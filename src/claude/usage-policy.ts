/**
 * Anthropic's usage-policy answers to a subscription login used through a
 * bridge: refusals that are a billing decision about the account, not a
 * fault of the request or a passing limit, so waiting or retrying never
 * helps. Each has its own error code, so a client (and its user) can tell
 * them apart from an ordinary 400 or 429.
 */
export type UsagePolicyCode =
  | 'extra_usage_required'
  | 'extra_usage_exhausted'
  | 'long_context_requires_extra_usage'
  | 'credential_not_authorized';

interface PolicyAnswer {
  code: UsagePolicyCode;
  /** Anthropic's wording, matched loosely: the amounts and endings vary. */
  pattern: RegExp;
  /** Claude Code's own name for the refusal (`api_error` on its error message), when it has one. */
  claudeCodeName?: string;
}

const ANSWERS: readonly PolicyAnswer[] = [
  // "Third-party apps now draw from your extra usage, not your plan limits. We've added a $100 credit…",
  // and the variant for organisation members ("…your organization's extra usage… Ask your admin…").
  { code: 'extra_usage_required', pattern: /third-party apps (?:now )?draw from your (?:organi[sz]ation's )?extra usage/i },
  // "You're out of extra usage. Add more at claude.ai/settings/usage and keep going."
  { code: 'extra_usage_exhausted', pattern: /out of extra usage/i },
  // "Extra usage is required for long context requests." Claude Code signed in with a
  // subscription replaces that text with its own ("Usage credits required for 1M context · …").
  {
    code: 'long_context_requires_extra_usage',
    pattern: /extra usage is required for long context|usage credits required for (?:1m|long) context/i,
    claudeCodeName: 'long_context_credits_required',
  },
  // "This credential is only authorized for use with Claude Code and cannot be used for other API requests."
  { code: 'credential_not_authorized', pattern: /credential is only authori[sz]ed for use with claude code/i },
];

/** The usage-policy answer a failure is, judged by Anthropic's text or Claude Code's name for it; undefined for anything else. */
export function usagePolicyCode(text: string, claudeCodeName?: string): UsagePolicyCode | undefined {
  for (const answer of ANSWERS) {
    if (answer.pattern.test(text) || (claudeCodeName !== undefined && answer.claudeCodeName === claudeCodeName)) return answer.code;
  }
  return undefined;
}

/** The one sentence that goes with every such answer, after Anthropic's own words. */
export const USAGE_POLICY_NOTE =
  "This is Anthropic's billing decision for the Claude login this bridge uses: the bridge passed the request on unchanged, does not retry it, and retrying will not change the answer.";
