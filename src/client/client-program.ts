import { Command, Option } from 'commander';

export interface ClientOptions {
  model: string;
  system?: string;
  stream: boolean;
  json: boolean;
  interactive: boolean;
  url: string;
  apiKey?: string;
}

export const DEFAULT_URL = 'http://localhost:8000';

const AFTER_HELP = `
Examples:
  claude-code-client "What is Python?"           print the answer as it streams
  echo "Hello" | claude-code-client              the prompt from stdin
  cat app.py | claude-code-client "Explain this" piped text is added after the prompt
  claude-code-client --no-stream --json "Hi"     the raw chat.completion object
  claude-code-client                             chat (on a terminal; /help inside)

Exit codes: 0 answered, 1 the bridge or Claude failed (5xx, broken stream),
2 wrong usage, 3 bridge unreachable, 4 API key or login refused (401/403),
5 request refused (other 4xx), 130 stopped with Ctrl-C.
`;

/** The client's command line; BRIDGE_URL and BRIDGE_API_KEY stand in for their flags. */
export function buildClientProgram(version: string): Command {
  return new Command('claude-code-client')
    .description(
      'Ask Claude through a running claude-code-bridge. With a prompt (as arguments or piped in) it prints the answer; ' +
        'with neither, on a terminal, it starts a chat that keeps the conversation.',
    )
    .argument('[prompt...]', 'the message to send (words are joined with spaces)')
    .option('-m, --model <name>', 'model to ask, e.g. sonnet, opus, haiku', 'default')
    .option('-s, --system <text>', 'system prompt')
    .option('--no-stream', 'wait for the whole answer instead of printing it as it streams')
    .option('--json', 'print the raw response: the chat.completion object, or one chunk per line when streaming', false)
    .option('-i, --interactive', 'chat even when stdin is not a terminal (one message per line)', false)
    .addOption(
      new Option('--url <url>', "the bridge's base URL, with or without /v1").env('BRIDGE_URL').default(DEFAULT_URL),
    )
    .addOption(new Option('--api-key <key>', "the bridge's API key, if it requires one").env('BRIDGE_API_KEY'))
    .version(version, '-v, --version', 'Print the version and exit')
    .helpOption('-h, --help', 'Print this help and exit')
    .showHelpAfterError('(claude-code-client --help for usage)')
    .addHelpText('after', AFTER_HELP)
    .exitOverride();
}
