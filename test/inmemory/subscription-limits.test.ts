import Anthropic from '@anthropic-ai/sdk';
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import OpenAI from 'openai';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { clientError, jsonOf } from '../support/http.js';
import { inMemoryBridge, type InMemoryBridge } from '../support/in-memory-bridge.js';
import { assertSchema } from '../support/openai-schema.js';
import { expectPolicyError } from '../support/usage-policy.js';
import { recording } from '../support/recordings.js';

/**
 * How the bridge maps the usage-policy refusals and the usage limit that
 * Claude Code reported on a subscription login (recorded against the fake
 * Anthropic API), on every API, each asked by its own official client with
 * the client's default retries on. That Claude Code reports each of them
 * so is end-to-end (test/e2e/subscription-limits.test.ts), once each.
 */
let bridge: InMemoryBridge;
beforeAll(async () => {
  bridge = await inMemoryBridge();
});
beforeEach(() => bridge.runner.reset());

/** The request id the recordings' upstream answered with. */
const REQUEST_ID = 'req_recorded_1';

const POLICY_ANSWERS = [
  {
    code: 'extra_usage_required',
    recording: 'extra-usage-required',
    status: 402,
    text: "Third-party apps now draw from your extra usage, not your plan limits. We've added a $100 credit to get you started. Claim it at claude.ai/settings/usage and keep going.",
  },
  { code: 'extra_usage_exhausted', recording: 'extra-usage-exhausted', status: 402, text: "You're out of extra usage. Add more at claude.ai/settings/usage and keep going." },
  {
    code: 'credential_not_authorized',
    recording: 'credential-not-authorized',
    status: 403,
    text: 'This credential is only authorized for use with Claude Code and cannot be used for other API requests.',
  },
];

/** The official clients with their default retries left on, their requests going to the in-memory app. */
function clients(): { openai: OpenAI; anthropic: Anthropic } {
  const fetch = (url: string | URL | Request, init?: RequestInit) => bridge.request(String(url), init);
  return {
    openai: new OpenAI({ baseURL: 'http://127.0.0.1:8000/v1', apiKey: 'unused', fetch }),
    anthropic: new Anthropic({ baseURL: 'http://127.0.0.1:8000', apiKey: 'unused', fetch }),
  };
}

const APIS: Record<string, () => Promise<unknown>> = {
  'chat completions': () => clients().openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] }),
  responses: () => clients().openai.responses.create({ model: 'sonnet', input: 'hi' }),
  'anthropic messages': () => clients().anthropic.messages.create({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }),
};

describe("Anthropic's usage-policy answers reach every API as their own error, never retried", () => {
  for (const answer of POLICY_ANSWERS) {
    test.each(Object.keys(APIS))(`${answer.code} on %s`, async (api) => {
      bridge.runner.play({ recording: answer.recording });
      const requestsBefore = bridge.activity.totalCount;
      const err = await clientError(APIS[api]!);
      expectPolicyError(err, api, answer, REQUEST_ID);
      // One client request, one run: neither the client nor the bridge tried again.
      expect(bridge.activity.totalCount).toBe(requestsBefore + 1);
      expect(bridge.runner.runs).toHaveLength(1);
    });
  }

  test('the long-context refusal (a 429 upstream) is a 402 with its own code and no Retry-After', async () => {
    bridge.runner.play({ recording: 'long-context-extra-usage' });
    const res = await bridge.post('/v1/chat/completions', { model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(402);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.headers.get('x-should-retry')).toBe('false');
    const body = await jsonOf(res);
    assertSchema('ErrorResponse', body);
    expect(body.error).toMatchObject({ code: 'long_context_requires_extra_usage', type: 'insufficient_quota' });
  });

  test('a streamed request refused this way gets the HTTP error too, not a stream', async () => {
    bridge.runner.play({ recording: 'extra-usage-required' });
    const res = await bridge.post('/v1/responses', { model: 'sonnet', input: 'hi', stream: true });
    expect(res.status).toBe(402);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await jsonOf(res)).error.code).toBe('extra_usage_required');
  });
});

/**
 * The recorded usage limit reached, with its reset times moved to `resetsAt`
 * (the recording's are fixed times, long past by the time a test replays it).
 */
function limitReachedResettingAt(resetsAt: number): SDKMessage[] {
  const recorded = recording('usage-limit-reached');
  const resets = new Set<number>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'resetsAt' && typeof inner === 'number') resets.add(inner);
        else collect(inner);
      }
    }
  };
  collect(recorded);
  // The earliest reset is the limiting window's; the others keep their distance from it.
  const shift = resetsAt - Math.min(...resets);
  return JSON.parse(JSON.stringify(recorded), (key, value: unknown) => (key === 'resetsAt' && typeof value === 'number' ? value + shift : value)) as SDKMessage[];
}

test('a usage limit reached is a 429 with Retry-After counting down to the reset, on every API', async () => {
  const now = Math.floor(Date.now() / 1000);
  bridge.runner.play({ messages: limitReachedResettingAt(now + 1800) });
  for (const path of ['/v1/chat/completions', '/v1/messages', '/v1/responses']) {
    const body = path === '/v1/responses' ? { model: 'sonnet', input: 'hi' } : { model: 'sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] };
    const res = await bridge.post(path, body);
    expect(res.status, path).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter, path).toBeGreaterThan(1700);
    expect(retryAfter, path).toBeLessThanOrEqual(1800);
    const error = await jsonOf(res);
    if (path === '/v1/messages') expect(error.error.type).toBe('rate_limit_error');
    else expect(error.error.code).toBe('usage_limit_reached');
  }
  const usage = await jsonOf(await bridge.request('/bridge/api/usage'));
  expect(usage.usageLimits).toMatchObject({ status: 'rejected', windows: { five_hour: { utilization: 0.97 } } });
});
