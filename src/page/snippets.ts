/** Copy-ready client code for what the playground is set to. Pure functions, no DOM. */

export interface SnippetInput {
  /** The bridge's OpenAI base URL, e.g. http://127.0.0.1:8000/v1. */
  baseUrl: string;
  model: string;
  system: string;
  message: string;
  /** Whether the bridge requires an API key: the snippets then read it from BRIDGE_API_KEY (never the key itself). */
  authRequired: boolean;
}

export type SnippetLanguage = 'curl' | 'python' | 'javascript';

type Message = { role: 'system' | 'user'; content: string };

function messagesOf(input: SnippetInput): Message[] {
  const messages: Message[] = [];
  if (input.system.trim() !== '') messages.push({ role: 'system', content: input.system });
  messages.push({ role: 'user', content: input.message.trim() === '' ? 'Hello!' : input.message });
  return messages;
}

/** A shell word in single quotes, which keep everything literal except the quote itself. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function curlSnippet(input: SnippetInput): string {
  const body = { model: input.model, stream: true, messages: messagesOf(input) };
  const lines = [`curl -N ${shellQuote(`${input.baseUrl}/chat/completions`)}`, `-H 'Content-Type: application/json'`];
  if (input.authRequired) lines.push(`-H "Authorization: Bearer $BRIDGE_API_KEY"`);
  lines.push(`-d ${shellQuote(JSON.stringify(body, null, 2))}`);
  return `${lines.join(' \\\n  ')}\n`;
}

/** JSON string literals are also valid Python and JavaScript string literals. */
const literal = (text: string) => JSON.stringify(text);

export function pythonSnippet(input: SnippetInput): string {
  const messages = messagesOf(input)
    .map((m) => `        {"role": ${literal(m.role)}, "content": ${literal(m.content)}},`)
    .join('\n');
  return [
    ...(input.authRequired ? ['import os', ''] : []),
    'from openai import OpenAI',
    '',
    `client = OpenAI(base_url=${literal(input.baseUrl)}, api_key=${input.authRequired ? 'os.environ["BRIDGE_API_KEY"]' : '"not-needed"'})`,
    'stream = client.chat.completions.create(',
    `    model=${literal(input.model)},`,
    '    messages=[',
    messages,
    '    ],',
    '    stream=True,',
    ')',
    'for chunk in stream:',
    '    if chunk.choices:',
    '        print(chunk.choices[0].delta.content or "", end="", flush=True)',
    'print()',
    '',
  ].join('\n');
}

export function javascriptSnippet(input: SnippetInput): string {
  const messages = messagesOf(input)
    .map((m) => `    { role: ${literal(m.role)}, content: ${literal(m.content)} },`)
    .join('\n');
  return [
    "import OpenAI from 'openai';",
    '',
    `const client = new OpenAI({ baseURL: ${literal(input.baseUrl)}, apiKey: ${input.authRequired ? 'process.env.BRIDGE_API_KEY' : "'not-needed'"} });`,
    'const stream = await client.chat.completions.create({',
    `  model: ${literal(input.model)},`,
    '  messages: [',
    messages,
    '  ],',
    '  stream: true,',
    '});',
    "for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');",
    "process.stdout.write('\\n');",
    '',
  ].join('\n');
}

export function snippet(language: SnippetLanguage, input: SnippetInput): string {
  switch (language) {
    case 'curl':
      return curlSnippet(input);
    case 'python':
      return pythonSnippet(input);
    case 'javascript':
      return javascriptSnippet(input);
  }
}
