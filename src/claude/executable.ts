import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ExecutableInfo } from '../core/ports.js';

const require = createRequire(import.meta.url);

/**
 * Where the SDK will find Claude Code when no path is configured: the native
 * binary shipped as an optional dependency for this platform (the same
 * candidates, in the same order, that the SDK itself tries).
 */
export function bundledExecutablePath(): string | undefined {
  const base = '@anthropic-ai/claude-agent-sdk';
  const { platform, arch } = process;
  const ext = platform === 'win32' ? '.exe' : '';
  const candidates =
    platform === 'linux'
      ? [`${base}-linux-${arch}`, `${base}-linux-${arch}-musl`]
      : [`${base}-${platform}-${arch}`];
  for (const pkg of candidates) {
    try {
      const file = require.resolve(`${pkg}/claude${ext}`);
      if (existsSync(file)) return file;
    } catch {
      // not installed for this platform
    }
  }
  return undefined;
}


/** Find the executable and ask its version (`claude --version`, a few milliseconds). */
export async function inspectExecutable(configured: string | undefined): Promise<ExecutableInfo> {
  const file = configured ?? bundledExecutablePath();
  if (!file || !existsSync(file)) {
    return {
      path: file,
      found: false,
      version: undefined,
      error: configured
        ? `The configured Claude Code executable ${configured} does not exist.`
        : 'The Claude Code executable bundled with @anthropic-ai/claude-agent-sdk is not installed for this platform; reinstall with `npm ci`.',
    };
  }
  return new Promise((resolve) => {
    execFile(file, ['--version'], { timeout: 10_000 }, (err, stdout) => {
      if (err) {
        resolve({ path: file, found: true, version: undefined, error: `\`${file} --version\` failed: ${err.message}` });
        return;
      }
      const version = /\d+\.\d+\.\d+\S*/.exec(stdout)?.[0];
      resolve({ path: file, found: true, version, error: undefined });
    });
  });
}
