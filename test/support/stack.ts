import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { resolveConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { FakeAnthropic } from './fake-anthropic.js';
import { waitForNoClaudeChildren } from './processes.js';

export interface Stack {
  fake: FakeAnthropic;
  server: RunningServer;
  config: Config;
  /** Temporary home of this stack's Claude Code (never the developer's own). */
  home: string;
  /** Where the per-run working directories go. */
  workRoot: string;
  baseURL: string;
  openai: OpenAI;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Settings as flags (by setting key), e.g. { maxConcurrent: '2' }. */
  flags?: Record<string, string>;
  /** Extra environment for the bridge and Claude Code. */
  env?: Record<string, string>;
  overrides?: Partial<Config>;
}

/**
 * The end-to-end stack every test file starts once: the fake Anthropic API,
 * the bridge in this process, and between them the real Claude Code binary
 * with a temporary HOME and CLAUDE_CONFIG_DIR.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const fake = new FakeAnthropic();
  await fake.start();
  const home = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-home-'));
  const workRoot = path.join(home, 'work');
  mkdirSync(workRoot);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    TMPDIR: os.tmpdir(),
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'sk-ant-fake-key-for-tests',
    ...options.env,
  };
  // Processes started ahead (warm spares, sessions for configurations seen)
  // cost a Claude Code start each, most of them never used by a test file; the
  // suite's time is mostly such starts, so the files that test them turn them on.
  const config = resolveConfig({ port: '0', workRoot, poolSize: '0', prestartMemoryBytes: '0', ...options.flags }, env, options.overrides);
  const server = await startServer(config);
  const baseURL = `${server.url}/v1`;
  const openai = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0, timeout: 60_000 });
  return {
    fake,
    server,
    config,
    home,
    workRoot,
    baseURL,
    openai,
    async close() {
      await server.close();
      // Every Claude Code process the bridge started must be gone once it has closed.
      await waitForNoClaudeChildren();
      await fake.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * The stack for one test file: started before its first test, closed after
 * its last, with the fake upstream reset before each test. Returns the stack
 * itself (a stand-in that reaches the running one), for use in the tests.
 */
export function useStack(options: StackOptions = {}): Stack {
  let running: Stack | undefined;
  beforeAll(async () => {
    running = await startStack(options);
  });
  afterAll(async () => {
    await running?.close();
  });
  beforeEach(() => running?.fake.reset());
  return new Proxy({} as Stack, {
    get(_target, property) {
      if (!running) throw new Error('the stack is not started yet (use it inside tests and hooks)');
      return running[property as keyof Stack];
    },
  });
}
