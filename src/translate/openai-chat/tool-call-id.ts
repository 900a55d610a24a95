/**
 * OpenAI clients expect tool call ids that start with `call_`; Claude's start
 * with `toolu_`. The mapping is deterministic, so an id the client sends back
 * in its history names the same call Claude made.
 */
export function toOpenAIToolCallId(claudeId: string): string {
  if (claudeId.startsWith('call_')) return claudeId;
  if (claudeId.startsWith('toolu_')) return `call_${claudeId.slice('toolu_'.length)}`;
  return `call_${claudeId}`;
}
