#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ConfigError, resolveConfig, type Config } from './config.js';
import { EXIT } from './cli/exit-codes.js';
import { buildProgram } from './cli/program.js';
import { settingFlags } from './cli/setting-options.js';
import { BRIDGE_VERSION } from './version.js';

function fail(message: string, code: number): never {
  process.stderr.write(`claude-code-bridge: ${message}\n`);
  process.exit(code);
}

/** Settings from flags, environment and defaults; a bad value stops here, naming the setting. */
function configFrom(opts: Record<string, unknown>): Config {
  try {
    return resolveConfig(settingFlags(opts), process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(`${err.message} (claude-code-bridge --help lists every setting)`, EXIT.usage);
    throw err;
  }
}

// The server and doctor load the Agent SDK and the HTTP stack; --help,
// --version and refusals do not need them, so they are loaded on demand.
const program = buildProgram(BRIDGE_VERSION, {
  async serve(opts) {
    const config = configFrom(opts);
    const { serve } = await import('./cli/serve.js');
    await serve(config, BRIDGE_VERSION);
  },
  async doctor(opts, doctorOpts) {
    const config = configFrom(opts);
    const { runDoctor } = await import('./cli/doctor.js');
    const ok = await runDoctor(config, {
      version: BRIDGE_VERSION,
      probeTimeoutMs: doctorOpts.timeout * 1000,
      write: (text) => process.stdout.write(text),
    });
    process.exitCode = ok ? EXIT.ok : EXIT.failure;
  },
});

program.parseAsync(process.argv).catch((err: unknown) => {
  // Commander has already printed its message (or the help, or the version).
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  fail((err as Error).message, EXIT.failure);
});
