import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
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

/** An empty private working directory, never the server's own folder. */
export async function createWorkDir(config: Config): Promise<string> {
  return mkdtemp(path.join(config.workRoot, 'claude-code-bridge-run-'));
}

/** Where warm spares wait before a request claims them (never a request's own folder). */
export async function createParkingDir(config: Config): Promise<string> {
  return mkdtemp(path.join(config.workRoot, 'claude-code-bridge-spares-'));
}

export async function removeWorkDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}
