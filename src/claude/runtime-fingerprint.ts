import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config.js';
import { executableToRun } from './executable.js';

function stamp(file: string | undefined): string {
  if (!file) return 'none';
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/**
 * What a prewarmed process depends on besides the bridge's configuration
 * (which is fixed for the server's life): the executable and the stored
 * login. A spare whose fingerprint differs from the current one was started
 * with an older executable or login and must not serve a request.
 */
export function runtimeFingerprint(config: Config): string {
  const executable = executableToRun(config.claudeExecutable);
  const env = config.childEnv;
  const configDir = env.CLAUDE_CONFIG_DIR || path.join(env.HOME || os.homedir(), '.claude');
  return [executable ?? 'none', stamp(executable), stamp(path.join(configDir, '.credentials.json'))].join('|');
}
