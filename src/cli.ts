#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ConfigError, resolveConfig, type Config } from './config.js';
import { runDoctor } from './cli/doctor.js';
import { EXIT } from './cli/exit-codes.js';
import { buildProgram } from './cli/program.js';
import { serve, StartupError } from './cli/serve.js';
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

const program = buildProgram(BRIDGE_VERSION, {
  async serve(opts) {
    await serve(configFrom(opts), BRIDGE_VERSION);
  },
  async doctor(opts, doctorOpts) {
    const ok = await runDoctor(configFrom(opts), {
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
  if (err instanceof StartupError) fail(err.message, EXIT.failure);
  fail((err as Error).message, EXIT.failure);
});
