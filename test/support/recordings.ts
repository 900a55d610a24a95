import { readFileSync } from 'node:fs';
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { SdkMessageNormalizer, type NormalizerOptions } from '../../src/claude/sdk-message-normalizer.js';
import type { RunEvent } from '../../src/core/types.js';

/** A message sequence recorded from the real Claude Code (scripts/record-sdk-sequences.ts). */
export function recording(name: string): SDKMessage[] {
  return JSON.parse(readFileSync(new URL(`../fixtures/sdk-sequences/${name}.json`, import.meta.url), 'utf8')) as SDKMessage[];
}

/** A recorded run as the bridge's RunEvents, up to the end of the turn (throws as the normalizer does). */
export function recordedEvents(
  name: string,
  options: { clientToolsOffered?: boolean; upstreamRetries?: number; onRateLimit?: NormalizerOptions['onRateLimit'] } = {},
): RunEvent[] {
  const normalizer = new SdkMessageNormalizer({
    clientToolPrefix: 'mcp__client__',
    upstreamRetries: options.upstreamRetries ?? 0,
    clientToolsOffered: options.clientToolsOffered ?? false,
    ...(options.onRateLimit ? { onRateLimit: options.onRateLimit } : {}),
  });
  const events: RunEvent[] = [];
  for (const message of recording(name)) {
    events.push(...normalizer.push(message));
    if (normalizer.done) break;
  }
  return events;
}
