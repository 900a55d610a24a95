import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import type { ErrorReply, Reply } from '../support/fake-anthropic.js';
import { clientError, jsonOf } from '../support/http.js';
import { assertSchema } from '../support/openai-schema.js';
import { expectPolicyError } from '../support/usage-policy.js';
import { parsePrometheus, valueOf } from '../support/prometheus.js';
import { useStack } from '../support/stack.js';

/**
 * The bridge on a subscription login (an OAuth token, as `claude setup-token`
 * gives): Claude Code then reports the account's usage limits, which it
 * reads from Anthropic's `anthropic-ratelimit-unified-*` response headers,
 * and Anthropic may answer with its usage-policy refusals.
 */
const stack = useStack({ env: { ANTHROPIC_API_KEY: '', CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-fake-token-for-tests' } });

const REQUEST_ID = 'req_011CTestPolicy';
const refusal = (status: number, type: string, message: string): ErrorReply => ({
  status,
  headers: { 'request-id': REQUEST_ID },
  body: { type: 'error', error: { type, message }, request_id: REQUEST_ID },
});

const POLICY_ANSWERS: Array<{ code: string; status: number; reply: ErrorReply; text: string }> = [
  {
    code: 'extra_usage_required',
    status: 402,
    text: "Third-party apps now draw from your extra usage, not your plan limits. We've added a $100 credit to get you started. Claim it at claude.ai/settings/usage and keep going.",
    reply: undefined!,
  },
  {
    code: 'extra_usage_exhausted',
    status: 402,
    text: "You're out of extra usage. Add more at claude.ai/settings/usage and keep going.",
    reply: undefined!,
  },
  {
    code: 'credential_not_authorized',
    status: 403,
    text: 'This credential is only authorized for use with Claude Code and cannot be used for other API requests.',
    reply: undefined!,
  },
];
for (const answer of POLICY_ANSWERS) answer.reply = refusal(400, 'invalid_request_error', answer.text);

/** Each API, asked once by its own client with the client's default retries left on. */
const APIS: Record<string, () => Promise<unknown>> = {
  'chat completions': () =>
    new OpenAI({ baseURL: stack.baseURL, apiKey: 'unused' }).chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] }),
  responses: () => new OpenAI({ baseURL: stack.baseURL, apiKey: 'unused' }).responses.create({ model: 'sonnet', input: 'hi' }),
  'anthropic messages': () =>
    new Anthropic({ baseURL: stack.server.url, apiKey: 'unused' }).messages.create({
      model: 'sonnet',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    }),
};

/** What the bridge did for one client call: how many requests it saw and how many Claude Code runs it started. */
function counters(): { requests: number; runs: number } {
  const origins = stack.server.runner.origins;
  return { requests: stack.server.activity.totalCount, runs: origins.cold + origins.spare + origins.live };
}

// Each refusal once, through Claude Code, each on another API: what Claude Code reports for it needs the
// binary; how the bridge maps each on every API (and on a stream) replays those reports in memory
// (test/inmemory/subscription-limits.test.ts).
const ASKED_ON: Record<string, string> = {
  extra_usage_required: 'chat completions',
  extra_usage_exhausted: 'responses',
  credential_not_authorized: 'anthropic messages',
};

describe("Anthropic's usage-policy answers reach every API as their own error, never retried", () => {
  for (const answer of POLICY_ANSWERS) {
    const api = ASKED_ON[answer.code]!;
    test(`${answer.code} on ${api}`, async () => {
      stack.fake.reply(answer.reply);
      const before = counters();
      const err = await clientError(APIS[api]!);
      expectPolicyError(err, api, answer, REQUEST_ID);
      // One client request, one Claude Code run: neither the client nor the bridge tried again.
      expect(counters()).toEqual({ requests: before.requests + 1, runs: before.runs + 1 });
      // Claude Code re-sends a 400 at once, at most twice more, within its one run.
      expect(stack.fake.messageRequests.length).toBeLessThanOrEqual(3);
    });
  }

  test('the long-context refusal (a 429 upstream) is a 402 with its own code and no Retry-After', async () => {
    stack.fake.reply(refusal(429, 'rate_limit_error', 'Extra usage is required for long context requests.'));
    const before = counters();
    const res = await fetch(`${stack.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(402);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.headers.get('x-should-retry')).toBe('false');
    const body = await jsonOf(res);
    assertSchema('ErrorResponse', body);
    expect(body.error.code).toBe('long_context_requires_extra_usage');
    expect(body.error.type).toBe('insufficient_quota');
    // Claude Code signed in with a subscription words this one itself; its words are passed on as they are.
    expect(body.error.message).toMatch(/^Usage credits required for 1M context/);
    expect(counters()).toEqual({ requests: before.requests + 1, runs: before.runs + 1 });
    expect(stack.fake.messageRequests).toHaveLength(1);
  });
});

const now = () => Math.floor(Date.now() / 1000);
/** Anthropic's usage-limit headers for a subscription login. */
function limitHeaders(fields: { status: string; overage: string; fiveHour: number; sevenDay: number; resetIn: number }): Record<string, string> {
  return {
    'anthropic-ratelimit-unified-status': fields.status,
    'anthropic-ratelimit-unified-reset': String(now() + fields.resetIn),
    'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    'anthropic-ratelimit-unified-5h-utilization': String(fields.fiveHour),
    'anthropic-ratelimit-unified-5h-reset': String(now() + fields.resetIn),
    'anthropic-ratelimit-unified-7d-utilization': String(fields.sevenDay),
    'anthropic-ratelimit-unified-7d-reset': String(now() + 3 * 86_400),
    'anthropic-ratelimit-unified-overage-status': fields.overage,
    'anthropic-ratelimit-unified-overage-disabled-reason': 'out_of_credits',
  };
}

const answerWith = (headers: Record<string, string>): Reply => ({ blocks: [{ type: 'text', text: ['Hello'] }], headers });

describe('the usage limits Claude Code reports are shown', () => {
  test('in /bridge/api/usage, /health, /metrics and on the status page', async () => {
    stack.fake.reply(answerWith(limitHeaders({ status: 'allowed', overage: 'rejected', fiveHour: 0.91, sevenDay: 0.4, resetIn: 3600 })));
    const answer = await stack.openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]!.message.content).toBe('Hello');

    const usage = await jsonOf(await fetch(`${stack.server.url}/bridge/api/usage`));
    expect(usage.planLimitsOnly).toBe(false);
    expect(usage.refusingUntil).toBeNull();
    expect(usage.usageLimits).toMatchObject({
      status: 'allowed',
      limitingWindow: 'five_hour',
      windows: { five_hour: { utilization: 0.91 }, seven_day: { utilization: 0.4 } },
      extraUsage: { status: 'rejected', disabledReason: 'out_of_credits', inUse: false },
    });
    expect(usage.usageLimits.windows.five_hour.resetsAt).toBeGreaterThan(now() + 3500);

    const health = await jsonOf(await fetch(`${stack.server.url}/health`));
    expect(health.usage_limits).toMatchObject({ status: 'allowed', extra_usage_in_use: false });

    const samples = parsePrometheus(await (await fetch(`${stack.server.url}/metrics`)).text());
    expect(valueOf(samples, 'bridge_usage_limit_utilization_ratio', { window: 'five_hour' })).toBe(0.91);
    expect(valueOf(samples, 'bridge_usage_limit_utilization_ratio', { window: 'seven_day' })).toBe(0.4);
    expect(valueOf(samples, 'bridge_usage_limit_reset_timestamp_seconds', { window: 'five_hour' })).toBeGreaterThan(now() + 3500);
    expect(valueOf(samples, 'bridge_usage_limit_state', { state: 'allowed' })).toBe(1);
    expect(valueOf(samples, 'bridge_usage_limit_state', { state: 'rejected' })).toBe(0);
    expect(valueOf(samples, 'bridge_usage_extra_usage_in_use')).toBe(0);

    // The same figures on the status page, as a person sees them.
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${stack.server.url}/`);
      const shown = page.locator('#cc-usage');
      await shown.locator('[data-window="five_hour"]', { hasText: '5-hour 91%' }).waitFor();
      await shown.locator('[data-window="seven_day"]', { hasText: '7-day 40%' }).waitFor();
      expect(await shown.textContent()).toContain('within the plan');
      expect(await shown.textContent()).toContain('extra usage off (out of credits)');
    } finally {
      await browser.close();
    }
  });

  // On every API in memory (test/inmemory/subscription-limits.test.ts); here as Claude Code reports it.
  test('a usage limit reached is a 429 with Retry-After counting down to the reset', async () => {
    stack.fake.reply({
      ...refusal(429, 'rate_limit_error', "This request would exceed your account's rate limit. Please try again later."),
      headers: limitHeaders({ status: 'rejected', overage: 'rejected', fiveHour: 1, sevenDay: 0.5, resetIn: 1800 }),
    });
    const res = await fetch(`${stack.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(1700);
    expect(retryAfter).toBeLessThanOrEqual(1800);
    expect((await jsonOf(res)).error.code).toBe('usage_limit_reached');
    const usage = await jsonOf(await fetch(`${stack.server.url}/bridge/api/usage`));
    expect(usage.usageLimits).toMatchObject({ status: 'rejected', windows: { five_hour: { utilization: 1 } } });
  });
});
