import readline from 'node:readline';
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { ask } from './ask.js';
import { EXIT } from './exit-codes.js';
import { explainError, type ErrorContext } from './explain-error.js';

export interface ChatOptions {
  openai: OpenAI;
  model: string;
  system: string | undefined;
  stream: boolean;
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  /** Where answers go (stdout): nothing else is written there. */
  output: NodeJS.WritableStream;
  /** Where the prompt, notices and errors go (stderr). */
  ui: NodeJS.WritableStream;
  /** A person at a terminal (prompt, line editing, Ctrl-C) rather than lines piped in. */
  terminal: boolean;
  errorContext: ErrorContext;
}

const HELP = `Commands:
  /clear          forget the conversation and start a new one
  /model [name]   show the model, or switch to another for the next messages
  /help           this list
  /exit, /quit    leave (Ctrl-D does too)
Ctrl-C stops an answer; at an empty prompt it leaves. Any other line is sent to Claude.
`;

/**
 * The interactive chat: each line is a user message, and the conversation so
 * far travels with it, so Claude sees earlier turns as real messages. An
 * exchange enters the history only when its answer completed: a stopped or
 * failed answer leaves the conversation as it was. Resolves to the exit code.
 */
export async function runChat(options: ChatOptions): Promise<number> {
  const { openai, ui, terminal } = options;
  let model = options.model;
  let history: ChatCompletionMessageParam[] = [];
  let answering: AbortController | undefined;
  let exitCode: number = EXIT.ok;
  let closed = false;

  const rl = readline.createInterface({ input: options.input, output: ui, terminal, prompt: terminal ? '> ' : '' });
  rl.on('close', () => (closed = true));
  // At the prompt, a terminal's Ctrl-C reaches readline as a key (raw mode).
  rl.on('SIGINT', () => {
    if (rl.line) {
      // As shells do: show ^C after what was typed, and start over on a fresh line.
      rl.write(null, { ctrl: true, name: 'e' });
      ui.write('^C\n');
      rl.write(null, { ctrl: true, name: 'u' });
    } else {
      ui.write('\n');
      rl.close();
    }
  });
  // During an answer raw mode is off, so Ctrl-C arrives as a signal (as does `kill -INT`).
  const onSignal = () => {
    if (answering) answering.abort();
    else rl.close();
  };
  process.on('SIGINT', onSignal);
  const setRaw = (on: boolean) => {
    if (terminal && options.input.isTTY && options.input.setRawMode) options.input.setRawMode(on);
  };

  let lastChar = '\n';
  const write = (text: string) => {
    if (text) lastChar = text.at(-1)!;
    options.output.write(text);
  };

  async function send(text: string): Promise<void> {
    const user: ChatCompletionMessageParam = { role: 'user', content: text };
    const system: ChatCompletionMessageParam[] = options.system ? [{ role: 'system', content: options.system }] : [];
    answering = new AbortController();
    rl.pause();
    setRaw(false);
    try {
      const answer = await ask(openai, {
        model,
        messages: [...system, ...history, user],
        stream: options.stream,
        json: false,
        signal: answering.signal,
        write,
      });
      history = [...history, user, { role: 'assistant', content: answer }];
    } catch (err) {
      if (lastChar !== '\n') write('\n');
      const explained = explainError(err, options.errorContext);
      if (explained.exitCode === EXIT.interrupted) {
        ui.write('(stopped: this exchange is not kept)\n');
      } else {
        ui.write(`claude-code-client: ${explained.message}\n`);
        // A script's conversation must not carry on past a failed turn.
        if (!terminal) {
          exitCode = explained.exitCode;
          rl.close();
        }
      }
    } finally {
      answering = undefined;
      setRaw(true);
    }
  }

  function command(name: string, arg: string): boolean {
    switch (name) {
      case '/exit':
      case '/quit':
        rl.close();
        return true;
      case '/clear':
        history = [];
        ui.write('(conversation cleared)\n');
        return true;
      case '/model':
        if (arg) model = arg;
        ui.write(`(model: ${model})\n`);
        return true;
      case '/help':
        ui.write(HELP);
        return true;
      default:
        return false;
    }
  }

  if (terminal) {
    ui.write(
      `Chatting through ${options.errorContext.baseURL} (model: ${model}). ` +
        'Type a message and press Enter; /help lists commands, Ctrl-C stops an answer, /exit or Ctrl-D leaves.\n',
    );
  }
  rl.prompt();
  try {
    for await (const line of rl) {
      const text = line.trim();
      const [name = '', ...rest] = text.split(/\s+/);
      if (text && !command(name, rest.join(' '))) await send(text);
      if (closed) break;
      rl.prompt();
    }
  } finally {
    process.off('SIGINT', onSignal);
    rl.close();
  }
  return exitCode;
}
