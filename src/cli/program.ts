import { Command, InvalidArgumentError, Option } from 'commander';
import { addSettingOptions } from './setting-options.js';

export interface ProgramActions {
  serve(opts: Record<string, unknown>): Promise<void>;
  doctor(opts: Record<string, unknown>, doctorOpts: { timeout: number }): Promise<void>;
}

function positiveSeconds(raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
  return value;
}

const AFTER_HELP = `
Every setting is also an environment variable: a flag wins over the variable,
which wins over the default. Switches such as --verbose also have a --no- form.

Examples:
  claude-code-bridge                       listen on http://127.0.0.1:8000/v1
  claude-code-bridge --port 9000           another port (or: PORT=9000 claude-code-bridge)
  claude-code-bridge doctor                check Claude Code, its login and the port
`;

/**
 * The command line: the server itself (the default command) and `doctor`.
 * The settings are options of the program, so they work on both, before or
 * after the word `doctor`.
 */
export function buildProgram(version: string, actions: ProgramActions): Command {
  const program = new Command('claude-code-bridge')
    .description('An OpenAI-compatible API server in front of your own Claude Code login.')
    .version(version, '-v, --version', 'Print the version and exit')
    .helpOption('-h, --help', 'Print this help and exit')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(claude-code-bridge --help lists every setting)')
    .exitOverride();
  addSettingOptions(program);
  program.addHelpText('after', AFTER_HELP);
  program.action(async () => actions.serve(program.opts()));

  program
    .command('doctor')
    .description('Check the Claude Code executable, its login (with one tiny real request) and the port; exit 1 on a problem')
    .addOption(
      new Option('--timeout <seconds>', 'How long the test request may take').default(30).argParser(positiveSeconds),
    )
    .action(async (doctorOpts: { timeout: number }) => actions.doctor(program.opts(), doctorOpts));
  return program;
}
