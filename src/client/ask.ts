import { APIUserAbortError, type OpenAI } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

export interface AskOptions {
  model: string;
  messages: ChatCompletionMessageParam[];
  stream: boolean;
  /** Print the raw response (NDJSON chunks when streaming) instead of the text. */
  json: boolean;
  signal?: AbortSignal;
  /** Where the output goes (stdout). */
  write: (text: string) => void;
}

/**
 * One chat completion: the answer is written as it arrives (token by token
 * when streaming) and ends with a newline so that a shell prompt or the next
 * piped line starts on its own line. Resolves to the answer's text, which a
 * chat keeps as the assistant's turn.
 */
export async function ask(openai: OpenAI, options: AskOptions): Promise<string> {
  const { model, messages, write } = options;
  const request = options.signal ? { signal: options.signal } : {};
  if (!options.stream) {
    const completion = await openai.chat.completions.create({ model, messages }, request);
    const text = completion.choices[0]?.message.content ?? '';
    write(options.json ? `${JSON.stringify(completion, null, 2)}\n` : endLine(text));
    return text;
  }
  const stream = await openai.chat.completions.create({ model, messages, stream: true }, request);
  let text = '';
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta.content ?? '';
    text += delta;
    if (options.json) write(`${JSON.stringify(chunk)}\n`);
    else if (delta) write(delta);
  }
  // The openai stream ends quietly when aborted; a stopped answer must not pass for a whole one.
  if (options.signal?.aborted) throw new APIUserAbortError();
  if (!options.json && !text.endsWith('\n')) write('\n');
  return text;
}

function endLine(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
