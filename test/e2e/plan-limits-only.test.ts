import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, test } from 'vitest';
import { jsonOf } from '../support/http.js';
import { assertSchema } from '../support/openai-schema.js';
import { useStack } from '../support/stack.js';

/**
 * --plan-limits-only on a subscription login: once Claude Code reports that
 * the plan is used up and requests draw on extra usage, the bridge refuses
 * them before they reach Claude, until the plan's window resets.
 */
const stack = useStack({
  flags: { planLimitsOnly: 'true' },
  env: { ANTHROPIC_API_KEY: '', CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-fake-token-for-tests' },
});

const now = () => Math.floor(Date.now() / 1000);
const ask = (path: string, body: unknown) =>
  fetch(`${stack.server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const chat = () => ask('/v1/chat/completions', { model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] });

describe('--plan-limits-only', () => {
  test('an account whose plan is used up and draws on extra usage gets 429 with Retry-After, and Claude is not called', async () => {
    // Anthropic answers, but from extra usage: the plan's five-hour window is used up for 40 minutes more.
    stack.fake.reply({
      blocks: [{ type: 'text', text: ['Paid for'] }],
      headers: {
        'anthropic-ratelimit-unified-status': 'rejected',
        'anthropic-ratelimit-unified-reset': String(now() + 2400),
        'anthropic-ratelimit-unified-representative-claim': 'five_hour',
        'anthropic-ratelimit-unified-5h-utilization': '1.0',
        'anthropic-ratelimit-unified-5h-reset': String(now() + 2400),
        'anthropic-ratelimit-unified-overage-status': 'allowed',
      },
    });
    // Nothing said so before this answer, so it went through: Claude Code reports the limits after the answer.
    const first = await chat();
    expect(first.status).toBe(200);
    const usage = await jsonOf(await fetch(`${stack.server.url}/bridge/api/usage`));
    expect(usage.planLimitsOnly).toBe(true);
    expect(usage.usageLimits.extraUsage.inUse).toBe(true);
    expect(usage.refusing).toBe(true);
    expect(Date.parse(usage.refusingUntil)).toBeGreaterThan(Date.now() + 2_300_000);

    const upstreamBefore = stack.fake.messageRequests.length;
    const refused = await chat();
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(2300);
    expect(retryAfter).toBeLessThanOrEqual(2400);
    const body = await jsonOf(refused);
    assertSchema('ErrorResponse', body);
    expect(body.error.code).toBe('plan_limit_reached');
    expect(body.error.message).toContain('--plan-limits-only');
    expect(body.error.message).toContain('five-hour');

    // Streamed, and on the Anthropic API, the same refusal as an HTTP error.
    const streamed = await ask('/v1/responses', { model: 'sonnet', input: 'hi', stream: true });
    expect(streamed.status).toBe(429);
    await streamed.body?.cancel();
    const anthropic = new Anthropic({ baseURL: stack.server.url, apiKey: 'unused', maxRetries: 0 });
    await expect(anthropic.messages.create({ model: 'sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 429,
      error: { error: { type: 'rate_limit_error' } },
    });
    expect(stack.fake.messageRequests.length).toBe(upstreamBefore);

    // A later report that the plan has room again (e.g. after the reset) lets requests through.
    stack.server.usageLimits.record({ ...usage.usageLimits, reportedAt: new Date().toISOString(), status: 'allowed', extraUsage: { ...usage.usageLimits.extraUsage, inUse: false } });
    stack.fake.reply({ blocks: [{ type: 'text', text: ['Within the plan'] }] });
    const again = await chat();
    expect(again.status).toBe(200);
    expect((await jsonOf(again)).choices[0].message.content).toBe('Within the plan');
  });
});
