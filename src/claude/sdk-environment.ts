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
