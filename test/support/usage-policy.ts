import { expect } from 'vitest';
import { headerOf, type CaughtClientError } from './http.js';
import { assertSchema } from './openai-schema.js';

/** A usage-policy refusal as Anthropic words it, and the error the bridge makes of it. */
export interface PolicyAnswer {
  code: string;
  status: number;
  text: string;
}

/**
 * The error a client got for a usage-policy refusal: the API's own error
 * shape and status, Anthropic's words and request id verbatim followed by
 * whose decision it is, and headers that tell the client not to retry.
 */
export function expectPolicyError(err: CaughtClientError, api: string, answer: PolicyAnswer, requestId: string): void {
  expect(err.status).toBe(answer.status);
  const message = api === 'anthropic messages' ? (err.error.error as { message: string }).message : err.error.message!;
  expect(message.startsWith(`${answer.text} (Anthropic request id: ${requestId})`)).toBe(true);
  expect(message).toContain("Anthropic's billing decision for the Claude login this bridge uses");
  if (api === 'anthropic messages') {
    expect(err.error.type).toBe('error');
    expect((err.error.error as { type: string }).type).toBe(answer.status === 402 ? 'billing_error' : 'permission_error');
  } else {
    expect(err.error.code).toBe(answer.code);
    assertSchema('ErrorResponse', { error: err.error });
  }
  expect(headerOf(err.headers, 'x-should-retry')).toBe('false');
  expect(headerOf(err.headers, 'x-claude-code-bridge-upstream-request-id')).toBe(requestId);
}
