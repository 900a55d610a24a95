import type { Options } from '@anthropic-ai/claude-agent-sdk';
import type { Config } from '../config.js';
import { executableToRun } from './executable.js';

/**
 * Options every Claude Code process the bridge starts shares: the safety
 * defaults (no built-in tools, no user or project settings, CLAUDE.md or MCP
 * configuration, client text taken verbatim), where the process runs and
 * which executable it is.
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
    ...executableOption(executableToRun(config.claudeExecutable)),
  };
}

/**
 * Always named, the bundled executable too: the SDK, left to find it, asks
 * Node for a diagnostic report on every start (see bundledExecutablePath).
 * Not found, the SDK's own search fails with its own message.
 */
function executableOption(file: string | undefined): Pick<Options, 'pathToClaudeCodeExecutable'> {
  return file ? { pathToClaudeCodeExecutable: file } : {};
}

/**
 * The environment of a Claude Code process started cold, to answer at once:
 * Bun's garbage collection on a timer off, unless the user set
 * BUN_GC_TIMER_DISABLE. The timer collects about a second after start-up and
 * again after every turn, then every second for half a minute: some 0.3
 * CPU-seconds a turn. That pays off only for a process that waits before its
 * first turn (a spare, a pre-started session), whose first answer then starts
 * 20 to 30 ms sooner; a cold start's answers, its first and every later one,
 * come as soon without it, and the CPU goes to the other runs instead. Garbage
 * is still collected as memory is allocated, so the process stays bounded.
 */
export function withoutTimedCollection(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return 'BUN_GC_TIMER_DISABLE' in env ? { ...env } : { ...env, BUN_GC_TIMER_DISABLE: '1' };
}
