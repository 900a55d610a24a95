import type { ConversationDriver } from './conversation-drivers.js';
import type { Handler } from './fake-anthropic.js';
import type { CacheUsage } from './prompt-cache.js';

/**
 * A coding agent's conversation, as the prompt-cache test and the benchmark
 * drive it: a system prompt of instructions about as long as a coding
 * agent's (about 3,300 tokens; Codex's and Claude Code's own are longer),
 * and a loop in which Claude asks for a file, reads it and moves on.
 */
export const AGENT_SYSTEM = [
  'You are a coding agent working in the user\'s repository.',
  ...Array.from({ length: 100 }, (_, i) => `Rule ${i + 1}: keep changes small, explain each one, run the tests before you finish, and never touch files outside the task.`),
].join('\n');

/** Claude asks for a file after a question, and answers after reading it. */
export const agentHandler: Handler = (request) => {
  const last = request.body.messages.filter((m) => m.role === 'user').at(-1)!;
  const results = typeof last.content !== 'string' && last.content.some((b) => b.type === 'tool_result');
  const n = request.body.messages.length;
  return results
    ? { blocks: [{ type: 'text', text: `I read it; step ${n} is done. Next I will look at the tests.` }] }
    : { blocks: [{ type: 'tool_use', id: `toolu_R${n}`, name: 'mcp__client__get_weather', input: { city: `src/file-${n}.ts` } }] };
};

/** A file the agent reads: about 250 tokens. */
export function agentFile(n: number): string {
  return `// src/file-${n}.ts\n${'export const value = compute(input); // a line of code\n'.repeat(18)}`;
}

/** Ten turns: five questions, each answered with a tool call, and five tool results. */
export function agentTurns(chat: ConversationDriver): Array<() => Promise<unknown>> {
  const turns: Array<() => Promise<unknown>> = [];
  for (let step = 1; step <= 5; step++) {
    turns.push(() => chat.say(`Step ${step}: read the next file.`));
    turns.push(() => chat.results([agentFile(step)]));
  }
  return turns;
}

/** Share of all input read from the cache. */
export function cachedShare(usage: readonly CacheUsage[]): number {
  const read = usage.reduce((n, u) => n + u.cache_read_input_tokens, 0);
  const all = usage.reduce((n, u) => n + u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens, 0);
  return all === 0 ? 0 : read / all;
}
