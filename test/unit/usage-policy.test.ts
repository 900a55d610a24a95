import type { RateLimitInfoShape } from '../../src/claude/sdk-message-shapes.js';
import { describe, expect, test } from 'vitest';
import { classifyUpstreamFailure } from '../../src/claude/upstream-errors.js';
import { usagePolicyCode } from '../../src/claude/usage-policy.js';
import { errorHeaders, toAnthropicErrorBody, toOpenAIErrorBody } from '../../src/errors/wire-errors.js';
import { recordedEvents } from '../support/recordings.js';
import { thrownBridgeError } from '../support/thrown.js';

describe("Anthropic's usage-policy answers", () => {
  test.each([
    [
      "Third-party apps now draw from your extra usage, not your plan limits. We've added a $100 credit to get you started. Claim it at claude.ai/settings/usage and keep going.",
      'extra_usage_required',
    ],
    [
      "Third-party apps now draw from your organization's extra usage, not your plan limits. Ask your admin to enable extra usage at claude.ai/settings/usage.",
      'extra_usage_required',
    ],
    ["You're out of extra usage. Add more at claude.ai/settings/usage and keep going.", 'extra_usage_exhausted'],
    ['Extra usage is required for long context requests.', 'long_context_requires_extra_usage'],
    ['This credential is only authorized for use with Claude Code and cannot be used for other API requests.', 'credential_not_authorized'],
    ['prompt is too long: 250000 tokens > 200000 maximum', undefined],
    ['Your credit balance is too low to access the Anthropic API.', undefined],
  ])('%s → %s', (text, code) => {
    expect(usagePolicyCode(text)).toBe(code);
  });

  test("Claude Code's own name for the long-context refusal is enough (it rewords Anthropic's text)", () => {
    expect(usagePolicyCode('Usage credits required for 1M context · turn on usage credits at …', 'long_context_credits_required')).toBe(
      'long_context_requires_extra_usage',
    );
  });

  test('a recorded refusal keeps Anthropic text and request id, is final, and says whose decision it is', () => {
    const err = thrownBridgeError(() => recordedEvents('extra-usage-required'));
    expect(err.status).toBe(402);
    expect(err.code).toBe('extra_usage_required');
    expect(err.message).toMatch(/^Third-party apps now draw from your extra usage, not your plan limits\. We've added a \$100 credit/);
    expect(err.message).toContain('req_recorded_1');
    expect(err.message).toContain("Anthropic's billing decision for the Claude login this bridge uses");
    expect(err.message).not.toContain('API Error');
    expect(errorHeaders(err)).toMatchObject({ 'x-should-retry': 'false', 'x-claude-code-bridge-upstream-request-id': 'req_recorded_1' });
    expect(toOpenAIErrorBody(err).error).toMatchObject({ type: 'insufficient_quota', code: 'extra_usage_required' });
    expect(toAnthropicErrorBody(err).error.type).toBe('billing_error');
  });

  test('the long-context 429 is not a rate limit: 402, no Retry-After', () => {
    const err = thrownBridgeError(() => recordedEvents('long-context-extra-usage'));
    expect(err.status).toBe(402);
    expect(err.code).toBe('long_context_requires_extra_usage');
    expect(err.retryAfterSeconds).toBeUndefined();
    expect(err.final).toBe(true);
  });

  test('the credential refusal is a 403 with its own code', () => {
    const err = classifyUpstreamFailure({
      status: 400,
      kind: 'unknown',
      message: 'API Error: 400 This credential is only authorized for use with Claude Code and cannot be used for other API requests.',
      requestId: 'req_x',
    });
    expect(err.status).toBe(403);
    expect(err.code).toBe('credential_not_authorized');
    expect(err.message).toMatch(/^This credential is only authorized for use with Claude Code and cannot be used for other API requests\. \(Anthropic request id: req_x\)/);
  });
});

describe('usage limits', () => {
  test('a plan limit reached is a 429 whose Retry-After is the time to the reset', () => {
    const err = classifyUpstreamFailure({
      status: 429,
      kind: 'rate_limit',
      message: "You've hit your 5-hour limit · resets 1:14pm (UTC)",
      apiError: 'usage_limit_reached',
      limitResetsAt: Math.floor(Date.now() / 1000) + 120,
    });
    expect(err.status).toBe(429);
    expect(err.code).toBe('usage_limit_reached');
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(119);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(121);
    expect(err.final).toBe(false);
  });

  test('a recorded plan-limit refusal reports the limit and a Retry-After', () => {
    const reports: RateLimitInfoShape[] = [];
    const err = thrownBridgeError(() => recordedEvents('usage-limit-reached', { onRateLimit: (info) => reports.push(info) }));
    expect(err.code).toBe('usage_limit_reached');
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(reports).toEqual([expect.objectContaining({ status: 'rejected', rateLimitType: 'five_hour' })]);
  });

  test("a run that draws on extra usage reports it, after the answer, to the run's listener", () => {
    const reports: RateLimitInfoShape[] = [];
    const events = recordedEvents('rate-limit-overage', { onRateLimit: (info) => reports.push(info) });
    expect(events.at(-1)).toMatchObject({ type: 'end', stopReason: 'end_turn' });
    expect(reports).toEqual([expect.objectContaining({ status: 'rejected', overageStatus: 'allowed', isUsingOverage: true })]);
  });
});
