import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built commands (`npm test` builds dist/ before the tests run). */
export const BRIDGE_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const CLIENT_CLI = fileURLToPath(new URL('../../dist/client/cli.js', import.meta.url));

/**
 * Environment for a child process whose Claude Code must talk to the fake
 * upstream, in a temporary home: nothing of the developer's own set-up leaks in.
 */
export function fakeClaudeEnv(fakeUrl: string, home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    TMPDIR: os.tmpdir(),
    ANTHROPIC_BASE_URL: fakeUrl,
    ANTHROPIC_API_KEY: 'sk-ant-fake-key-for-tests',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...extra,
  };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env: Record<string, string>;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
  timeoutMs?: number;
  cwd?: string;
}

/** Run a command to its end and collect what it printed; killed (and failed) after the timeout. */
export function runCommand(command: string, args: string[], options: RunOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    if (options.input !== undefined) child.stdin!.end(options.input);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in time.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function runNode(script: string, args: string[], options: RunOptions): Promise<Finished> {
  return runCommand(process.execPath, [script, ...args], options);
}

/**
 * A long-running child (a server, a chat) whose output a test waits on.
 * `expect` reads on from where the previous match ended, like expect(1).
 */
export class LiveProcess {
  readonly child: ChildProcess;
  private out = '';
  private cursor = 0;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(command: string, args: string[], env: Record<string, string>) {
    this.child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const collect = (d: Buffer) => (this.out += d.toString());
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }

  /** Everything printed so far (stdout and stderr interleaved), without terminal escape codes. */
  get output(): string {
    return stripTerminalCodes(this.out);
  }

  write(text: string): void {
    this.child.stdin!.write(text);
  }

  async expect(pattern: RegExp | string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.output.slice(this.cursor);
      const match = typeof pattern === 'string' ? indexMatch(rest, pattern) : pattern.exec(rest);
      if (match) {
        this.cursor += match.index + match[0].length;
        return match[0];
      }
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`expected ${String(pattern)}; output so far:\n${this.output}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Ask it to stop and wait; killed outright if it does not. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

function indexMatch(text: string, needle: string): { index: number; 0: string } | null {
  const index = text.indexOf(needle);
  return index === -1 ? null : { index, 0: needle };
}

export function stripTerminalCodes(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

/** Quote one word for `sh`. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Run a command in a pseudo-terminal (util-linux `script`), so that it sees a
 * real terminal on stdin, stdout and stderr; what the test writes is typed
 * into that terminal, Ctrl-C included.
 */
export function spawnInTerminal(command: string[], env: Record<string, string>): LiveProcess {
  const line = `exec ${command.map(shellQuote).join(' ')}`;
  return new LiveProcess('script', ['--quiet', '--flush', '--return', '--command', line, '/dev/null'], {
    TERM: 'xterm-256color',
    ...env,
  });
}
