import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ExecutableInfo } from '../core/ports.js';

const require = createRequire(import.meta.url);

/**
 * Where the SDK would find Claude Code when no path is configured: the
 * native binary shipped as an optional dependency for this platform, by the
 * SDK's own rule (on Linux the glibc build, or the musl one where the C
 * library is musl). The bridge finds it itself (0.07 ms) and names it on
 * every start: left to find it, the SDK asks Node for a full diagnostic
 * report on each process it starts, to learn the C library, which stopped
 * the bridge's event loop (every stream it was writing) for 8 to 24 ms each
 * time.
 */
export function bundledExecutablePath(): string | undefined {
  const base = '@anthropic-ai/claude-agent-sdk';
  const { platform, arch } = process;
  const ext = platform === 'win32' ? '.exe' : '';
  const candidates = platform === 'linux' ? [`${base}-linux-${arch}`, `${base}-linux-${arch}-musl`] : [`${base}-${platform}-${arch}`];
  const found = candidates.map((pkg) => installedFile(`${pkg}/claude${ext}`)).filter((file) => file !== undefined);
  // Both Linux builds installed: the C library decides, as it does for the SDK (asked only then, as the report is slow).
  if (found.length > 1 && !hasGlibc()) return found[1];
  return found[0];
}

function installedFile(specifier: string): string | undefined {
  try {
    const file = require.resolve(specifier);
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined; // not installed for this platform
  }
}

function hasGlibc(): boolean {
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return report.header?.glibcVersionRuntime !== undefined;
}

/** The executable Claude Code runs from: the configured one, or else the bundled one. */
export function executableToRun(configured: string | undefined): string | undefined {
  return configured ?? bundledExecutablePath();
}

/** Find the executable and ask its version (`claude --version`, a few milliseconds). */
export async function inspectExecutable(configured: string | undefined): Promise<ExecutableInfo> {
  const file = executableToRun(configured);
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
