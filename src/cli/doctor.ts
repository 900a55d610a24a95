import { inspectExecutable } from '../claude/executable.js';
import { loginMethod } from '../claude/login-state.js';
import { describeLoginMethod, type LoginMethod } from '../core/login.js';
import type { ExecutableInfo } from '../core/ports.js';
import type { Config } from '../config.js';
import type { BridgeError } from '../errors/bridge-error.js';
import { probeLogin } from './login-probe.js';
import { checkPort, runningBridgeVersion } from './port-check.js';

export interface CheckResult {
  status: 'pass' | 'fail' | 'skip';
  /** One line: what was checked and what was found. */
  summary: string;
  /** More about a failure, when there is more to say. */
  detail?: string;
  /** What to do about a failure. */
  fix?: string;
}

export interface DoctorOptions {
  version: string;
  /** How long the test request may take. */
  probeTimeoutMs: number;
  write: (text: string) => void;
}

const MIN_NODE_MAJOR = 20;
const MARK = { pass: '✓', fail: '✗', skip: '-' } as const;

function checkNode(): CheckResult {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return { status: 'pass', summary: `Node.js ${process.versions.node}` };
  return {
    status: 'fail',
    summary: `Node.js ${process.versions.node} is too old`,
    fix: `install Node.js ${MIN_NODE_MAJOR} or newer`,
  };
}

function checkExecutable(config: Config, info: ExecutableInfo): CheckResult {
  if (info.found && info.version) {
    return { status: 'pass', summary: `Claude Code ${info.version} (${info.path ?? 'bundled'})` };
  }
  if (!info.found) {
    return {
      status: 'fail',
      summary: 'Claude Code executable not found',
      ...(info.error ? { detail: info.error } : {}),
      fix: config.claudeExecutable
        ? 'check --claude-path (or BRIDGE_CLAUDE_PATH), or leave it unset to use the bundled Claude Code'
        : `reinstall claude-code-bridge so that the Claude Code built for ${process.platform}-${process.arch} comes with it (optional dependencies must not be skipped)`,
    };
  }
  return {
    status: 'fail',
    summary: 'Claude Code does not run',
    ...(info.error ? { detail: info.error } : {}),
    fix: `run \`${info.path ?? 'claude'} --version\` yourself to see what goes wrong`,
  };
}

/** What to do when Claude refused the login, for the credential in use. */
function relogin(method: LoginMethod): string {
  switch (method) {
    case 'api_key':
      return 'check the key in ANTHROPIC_API_KEY, or unset it to use your `claude login` instead';
    case 'oauth_token':
      return 'make a new token with `claude setup-token` and set it as CLAUDE_CODE_OAUTH_TOKEN';
    case 'auth_token':
      return 'check the token in ANTHROPIC_AUTH_TOKEN';
    case 'cloud_provider':
      return "check your cloud provider's credentials for Claude Code";
    case 'claude_login':
      return 'log in again: run `claude login` on this machine (the bridge uses the same login)';
    case 'none':
      return 'run `claude login` on this machine (the bridge uses the same login), or set CLAUDE_CODE_OAUTH_TOKEN (from `claude setup-token`) or ANTHROPIC_API_KEY';
  }
}

function loginFix(error: BridgeError, method: LoginMethod): string {
  switch (error.kind) {
    case 'authentication':
      return relogin(method);
    case 'timeout':
      return "check this machine's connection to Claude's API (and ANTHROPIC_BASE_URL, if set), then run doctor again";
    case 'rate_limit':
    case 'overloaded':
      return 'the login was accepted; wait a little and run doctor again';
    case 'permission':
      return 'log in with an account that may use Claude Code (`claude login`)';
    default:
      return 'run `claude` in a terminal on this machine to see what Claude Code says';
  }
}

async function checkLogin(config: Config, timeoutMs: number): Promise<CheckResult> {
  const method = loginMethod(config.childEnv);
  const shown = describeLoginMethod(method);
  const result = await probeLogin(config, timeoutMs);
  const seconds = (result.ms / 1000).toFixed(1);
  if (result.ok) {
    return { status: 'pass', summary: `Login: ${shown}; a test request succeeded (${result.model}, ${seconds} s)` };
  }
  const fix = loginFix(result.error, method);
  if (result.error.kind === 'authentication') {
    // The error's own text repeats the generic advice; the fix above is specific to the credential.
    return { status: 'fail', summary: `Login: not logged in, Claude refused the login (${shown})`, fix };
  }
  return { status: 'fail', summary: `Login: the test request failed (${shown})`, detail: result.error.message, fix };
}

async function checkListen(config: Config): Promise<CheckResult> {
  const { host, port } = config;
  if (port === 0) return { status: 'pass', summary: `Port: any free one on ${host} (--port 0)` };
  const result = await checkPort(host, port);
  if (result.ok) return { status: 'pass', summary: `Port: ${port} on ${host} is free` };
  const bridge = result.code === 'EADDRINUSE' ? await runningBridgeVersion(host, port) : undefined;
  return {
    status: 'fail',
    summary: `Port: ${result.problem}`,
    ...(bridge ? { detail: `a claude-code-bridge ${bridge} is already running there` } : {}),
    fix: result.fix,
  };
}

function render(result: CheckResult): string {
  let text = `${MARK[result.status]} ${result.summary}\n`;
  if (result.detail) text += `    ${result.detail}\n`;
  if (result.fix) text += `    fix: ${result.fix}\n`;
  return text;
}

/**
 * Check what the bridge needs, in the order it needs it, printing each
 * result as it comes. Resolves to true when nothing is wrong.
 */
export async function runDoctor(config: Config, options: DoctorOptions): Promise<boolean> {
  const { write } = options;
  write(`claude-code-bridge doctor (${options.version})\n`);
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    write(render(result));
  };

  report(checkNode());
  const executable = await inspectExecutable(config.claudeExecutable);
  const usable = executable.found && executable.version !== undefined;
  report(checkExecutable(config, executable));
  report(
    usable
      ? await checkLogin(config, options.probeTimeoutMs)
      : { status: 'skip', summary: 'Login: not checked, Claude Code must run first' },
  );
  report(await checkListen(config));

  const problems = results.filter((r) => r.status === 'fail').length;
  if (problems === 0) {
    write('All checks passed: start the server with `claude-code-bridge`.\n');
    return true;
  }
  write(`${problems} problem${problems === 1 ? '' : 's'} found.\n`);
  return false;
}
