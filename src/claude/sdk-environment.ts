import type { Options } from '@anthropic-ai/claude-agent-sdk';
import type { Config } from '../config.js';

/**
 * Options every Claude Code process the bridge starts shares: the safety
 * defaults (no built-in tools, no user or project settings, CLAUDE.md or MCP
 * configuration, client text taken verbatim) and where the process runs.
 */
export function baseOptions(config: Config, cwd: string): Options {
  return {
    cwd,
    env: { ...config.childEnv },
    tools: [],
    settingSources: [],
    strictMcpConfig: true,
    verbatimPrompts: true,
    permissionMode: 'default',
    ...(config.claudeExecutable ? { pathToClaudeCodeExecutable: config.claudeExecutable } : {}),
  };
}

/**
 * The environment of a Claude Code process started while other requests wait
 * for a run slot: Bun's garbage collection on a timer off, unless the user set
 * BUN_GC_TIMER_DISABLE. The timer collects about a second after start-up and
 * after each turn, some 0.1 CPU-seconds each time: well spent in a process
 * that then waits with the cores idle (its next turn starts without that
 * garbage, 20 to 30 ms sooner), but taken from the waiting requests when the
 * cores are short, and wasted on an answered conversation that nobody
 * continues before newer ones push it out. Without the timer, garbage is
 * still collected as memory is allocated, so the process stays bounded.
 */
export function contendedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return 'BUN_GC_TIMER_DISABLE' in env ? { ...env } : { ...env, BUN_GC_TIMER_DISABLE: '1' };
}
