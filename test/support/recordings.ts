import { readFileSync } from 'node:fs';
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';

/** A message sequence recorded from the real Claude Code (scripts/record-sdk-sequences.ts). */
export function recording(name: string): SDKMessage[] {
  return JSON.parse(readFileSync(new URL(`../fixtures/sdk-sequences/${name}.json`, import.meta.url), 'utf8')) as SDKMessage[];
}
