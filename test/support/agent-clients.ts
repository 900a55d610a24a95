import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { agentHandler } from './agent-script.js';
import { DenyProxy } from './deny-proxy.js';
import { processesWithHome } from './processes.js';
import { useStack, type Stack, type StackOptions } from './stack.js';
import { WireRecorder, type WireExchange } from './wire-recorder.js';

const require = createRequire(import.meta.url);

/** A client's own executable, as its npm package installs it. */
export function packageBin(pkg: string, bin: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), bin);
}

/** What a test of real clients runs against: the stack, the wire between clients and bridge, and a proxy that refuses the network. */
export interface ClientBench {
  stack: Stack;
  wire: WireRecorder;
  proxy: DenyProxy;
  /** The bridge's address as clients are given it (through the wire recorder). */
  readonly url: string;
  /** A new empty home folder for one client, removed after the file's tests. */
  home(name: string): string;
}

/**
 * The stack for one file of client tests: the bridge and the fake upstream
 * (which plays the agent: see agent-script.ts), a wire recorder in front of
 * the bridge, and the refusing proxy. After the file, no process may still
 * run in a client's home, and no client may have tried to reach beyond
 * loopback.
 */
export function useClientBench(options: StackOptions = {}): ClientBench {
  const stack = useStack(options);
  let wire: WireRecorder | undefined;
  const proxy = new DenyProxy();
  const homes: string[] = [];
  beforeAll(async () => {
    wire = new WireRecorder(stack.server.url);
    await wire.start();
    await proxy.start();
  });
  beforeEach(() => stack.fake.setHandler(agentHandler));
  afterAll(async () => {
    await wire?.stop();
    await proxy.stop();
    const left = homes.flatMap((home) => processesWithHome(home));
    for (const home of homes) rmSync(home, { recursive: true, force: true });
    expect(left, 'client processes left running').toEqual([]);
    expect(proxy.attempts, 'clients tried to reach the network').toEqual([]);
  });
  return {
    stack,
    get wire() {
      if (!wire) throw new Error('the client bench is not started yet');
      return wire;
    },
    proxy,
    get url() {
      return this.wire.url;
    },
    home(name: string) {
      const home = mkdtempSync(path.join(os.tmpdir(), `ccb-client-${name}-`));
      mkdirSync(path.join(home, 'project'));
      homes.push(home);
      return home;
    },
  };
}

/** The base environment of a client process: its own home, the refusing proxy, nothing of the developer's set-up. */
export function clientEnv(home: string, proxy: DenyProxy, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: os.tmpdir(),
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    ...proxy.env(),
    ...extra,
  };
}

export interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines, parsed (lines that are not JSON are skipped). */
  events: Array<Record<string, unknown>>;
}

/**
 * Run a client's command to its end. It runs in a process group of its
 * own, so that when it is done (or overdue) everything it started (shells,
 * language servers) is ended with it.
 */
export function runAgent(command: string, args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<AgentRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const endGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    const timer = setTimeout(() => {
      endGroup();
      reject(new Error(`${path.basename(command)} ${args.join(' ')} did not finish in time.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      endGroup();
      const events = stdout.split('\n').flatMap((line) => {
        try {
          const value: unknown = JSON.parse(line);
          return value !== null && typeof value === 'object' ? [value as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      });
      resolve({ code, stdout, stderr, events });
    });
  });
}

/** The exchanges whose request carried `marker`: one scenario's traffic. */
export function exchangesWith(wire: WireRecorder, marker: string): WireExchange[] {
  return wire.exchanges.filter((e) => JSON.stringify(e.body).includes(marker));
}

/** A scenario's traffic went through and none of it was refused. */
export function expectAnswered(exchanges: WireExchange[]): void {
  expect(exchanges.length).toBeGreaterThan(0);
  expect(exchanges.filter((e) => e.status >= 400).map((e) => `${e.status} ${e.path}: ${e.text}`)).toEqual([]);
}

/** A short unique token for one scenario, so its traffic and output can be found. */
export function marker(name: string): string {
  return `${name.toUpperCase()}-${Math.random().toString(36).slice(2, 8)}`;
}
