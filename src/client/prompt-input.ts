import { fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';

export interface StdinInfo {
  isTTY: boolean;
  /** A shell pipe or a redirected file: something that ends. */
  isPipeOrFile: boolean;
}

/** What kind of stdin this process has, without reading it. */
export function inspectStdin(fd = 0): StdinInfo {
  try {
    const stat = fstatSync(fd);
    return { isTTY: Boolean(process.stdin.isTTY), isPipeOrFile: stat.isFIFO() || stat.isFile() };
  } catch {
    return { isTTY: false, isPipeOrFile: false };
  }
}

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The one-shot prompt, or undefined when there is none (a terminal with no
 * argument: the chat starts). The argument's words form the prompt; text
 * piped in is the prompt when there is no argument, and is appended after a
 * blank line when there is one (`cat app.py | claude-code-client "Explain"`).
 * With an argument, stdin is read only when it is a shell pipe or a file, so
 * a program that starts the client with an idle stdin does not make it wait.
 */
export async function resolvePrompt(
  words: readonly string[],
  stdin: StdinInfo,
  read: () => Promise<string>,
): Promise<string | undefined> {
  const argument = words.join(' ');
  if (words.length > 0) {
    if (!stdin.isPipeOrFile) return argument;
    const piped = (await read()).trimEnd();
    return piped ? `${argument}\n\n${piped}` : argument;
  }
  if (stdin.isTTY) return undefined;
  return (await read()).trimEnd();
}
