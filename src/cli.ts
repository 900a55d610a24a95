#!/usr/bin/env node
import { Command, Option } from 'commander';
import { ConfigError, SETTINGS, resolveConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';
import { BRIDGE_VERSION } from './version.js';

/** Build the command line from the settings table: every setting is a flag and an environment variable. */
function buildProgram(): Command {
  const program = new Command('claude-code-bridge')
    .description('An OpenAI-compatible API server in front of your own Claude Code login.')
    .version(BRIDGE_VERSION, '-v, --version');
  for (const spec of SETTINGS) {
    const flags = spec.arg ? `${spec.flag} ${spec.arg}` : spec.flag;
    program.addOption(new Option(flags, `${spec.description} (env ${spec.env}; default ${spec.shownDefault})`));
  }
  return program;
}

/** Commander's attribute name for a flag: --claude-path → claudePath. */
function optionKey(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());
}

async function main(): Promise<void> {
  const program = buildProgram();
  program.parse(process.argv);
  const opts = program.opts<Record<string, string | boolean | undefined>>();
  const flags = Object.fromEntries(SETTINGS.map((spec) => [spec.key, opts[optionKey(spec.flag)]]));
  let config;
  try {
    config = resolveConfig(flags, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`claude-code-bridge: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ verbose: config.verbose, level: 'info' });
  const server = await startServer(config, { logger: createLogger({ verbose: config.verbose }) });
  logger.info(`claude-code-bridge ${BRIDGE_VERSION} listening on ${server.url}/v1`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`claude-code-bridge: ${(err as Error).message}\n`);
  process.exit(1);
});
