#!/usr/bin/env node
import { CommanderError } from 'commander';
import OpenAI from 'openai';
import { BRIDGE_VERSION } from '../version.js';
import { ask } from './ask.js';
import { toBaseURL } from './base-url.js';
import { runChat } from './chat-session.js';
import { buildClientProgram, type ClientOptions } from './client-program.js';
import { EXIT, UsageError } from './exit-codes.js';
import { explainError, type ErrorContext } from './explain-error.js';
import { inspectStdin, readAll, resolvePrompt } from './prompt-input.js';

/** Stand-in key for a bridge that checks none: the openai package insists on one. */
const NO_KEY = 'no-key';

function complain(message: string): void {
  process.stderr.write(`claude-code-client: ${message}\n`);
}

async function main(argv: string[]): Promise<number> {
  const program = buildClientProgram(BRIDGE_VERSION);
  try {
    program.parse(argv);
  } catch (err) {
    // Commander has already printed the help, the version or its complaint.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw err;
  }
  const opts = program.opts<ClientOptions>();
  const context: ErrorContext = { baseURL: opts.url, hasApiKey: Boolean(opts.apiKey) };
  try {
    const baseURL = toBaseURL(opts.url);
    context.baseURL = baseURL;
    const openai = new OpenAI({
      baseURL,
      apiKey: opts.apiKey || NO_KEY,
      // Explicit so that OPENAI_* variables meant for other tools change nothing here.
      organization: null,
      project: null,
      // A person or a script sees a failure at once, with its reason, rather than after silent retries.
      maxRetries: 0,
    });
    const stdin = inspectStdin();
    const words = program.args;
    const interactive = opts.interactive || (words.length === 0 && stdin.isTTY);
    if (interactive) {
      if (words.length > 0) throw new UsageError('a prompt and --interactive do not go together: drop one');
      if (opts.json) throw new UsageError('--json is for single questions, not for the chat');
      return await runChat({
        openai,
        model: opts.model,
        system: opts.system,
        stream: opts.stream,
        input: process.stdin,
        output: process.stdout,
        ui: process.stderr,
        terminal: Boolean(process.stdin.isTTY),
        errorContext: context,
      });
    }
    const prompt = await resolvePrompt(words, stdin, () => readAll(process.stdin));
    if (!prompt?.trim()) throw new UsageError('no prompt: give it as an argument or pipe it in (claude-code-client --help)');
    await ask(openai, {
      model: opts.model,
      messages: [...(opts.system ? [{ role: 'system' as const, content: opts.system }] : []), { role: 'user', content: prompt }],
      stream: opts.stream,
      json: opts.json,
      write: (text) => process.stdout.write(text),
    });
    return EXIT.ok;
  } catch (err) {
    const explained = explainError(err, context);
    complain(explained.message);
    return explained.exitCode;
  }
}

// `claude-code-client … | head -1`: a reader that has seen enough is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.ok);
  throw err;
});

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    complain(`unexpected error: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = EXIT.failure;
  },
);
