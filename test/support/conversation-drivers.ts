import Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import type { Stack } from './stack.js';

/**
 * One conversation driven through one of the bridge's three APIs with that
 * API's real client: the same turns (a question, a question answered with a
 * tool call, the tool's result) in each API's own shape, so that a test can
 * send the same turn by several paths and compare what Claude received.
 */
export interface ConversationDriver {
  api: 'chat' | 'messages' | 'responses';
  /** Send the conversation so far plus this user text; returns the answer's text and tool calls. */
  say(text: string): Promise<Answer>;
  /** Send the results of the last answer's tool calls. */
  results(outputs: string[]): Promise<Answer>;
  /** Send the same request as the last one again. */
  again(): Promise<Answer>;
}

export interface Answer {
  text: string;
  calls: Array<{ id: string; name: string; arguments: string }>;
}

export const SYSTEM = 'You are terse. Answer in one line.';
const weather = { name: 'get_weather', description: 'Current weather for a city', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

export interface DriverOptions {
  /** Chat and Responses: `tool_choice` for each request (a function returns it per request). */
  toolChoice?: () => 'auto' | 'required';
  /** Sampling sent with every request. */
  temperature?: number;
  /** The system prompt (SYSTEM by default). */
  system?: string;
}

export function chatDriver(stack: Stack, options: DriverOptions = {}): ConversationDriver {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: options.system ?? SYSTEM }];
  let last: Answer = { text: '', calls: [] };
  let lastRequest: OpenAI.ChatCompletionCreateParamsNonStreaming | undefined;
  const send = async (request: OpenAI.ChatCompletionCreateParamsNonStreaming): Promise<Answer> => {
    lastRequest = request;
    const res = await stack.openai.chat.completions.create(request);
    const message = res.choices[0]!.message;
    last = {
      text: message.content ?? '',
      calls: (message.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : [])),
    };
    return last;
  };
  const request = (): OpenAI.ChatCompletionCreateParamsNonStreaming => ({
    model: 'sonnet',
    messages: structuredClone(messages),
    tools: [{ type: 'function', function: { name: weather.name, description: weather.description, parameters: weather.schema } }],
    ...(options.toolChoice ? { tool_choice: options.toolChoice() } : {}),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
  });
  const remember = () => {
    if (last.text || last.calls.length > 0) {
      messages.push({
        role: 'assistant',
        content: last.text || null,
        ...(last.calls.length > 0
          ? { tool_calls: last.calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) }
          : {}),
      });
    }
  };
  return {
    api: 'chat',
    async say(text) {
      remember();
      messages.push({ role: 'user', content: text });
      return send(request());
    },
    async results(outputs) {
      remember();
      last.calls.forEach((call, i) => messages.push({ role: 'tool', tool_call_id: call.id, content: outputs[i]! }));
      last = { text: '', calls: [] };
      return send(request());
    },
    again: () => send(lastRequest!),
  };
}

export function messagesDriver(stack: Stack, options: DriverOptions = {}): ConversationDriver {
  const client = new Anthropic({ baseURL: stack.server.url, apiKey: 'unused', maxRetries: 0, timeout: 60_000 });
  const messages: Anthropic.MessageParam[] = [];
  let last: Answer & { content: Anthropic.ContentBlock[] } = { text: '', calls: [], content: [] };
  let lastRequest: Anthropic.MessageCreateParamsNonStreaming | undefined;
  const send = async (request: Anthropic.MessageCreateParamsNonStreaming): Promise<Answer> => {
    lastRequest = request;
    const res = await client.messages.create(request);
    last = {
      content: res.content,
      text: res.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(''),
      calls: res.content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, arguments: JSON.stringify(b.input) }] : [])),
    };
    return last;
  };
  const request = (): Anthropic.MessageCreateParamsNonStreaming => ({
    model: 'sonnet',
    max_tokens: 1024,
    system: options.system ?? SYSTEM,
    messages: structuredClone(messages),
    tools: [{ name: weather.name, description: weather.description, input_schema: weather.schema as Anthropic.Tool.InputSchema }],
    ...(options.toolChoice ? { tool_choice: options.toolChoice() === 'required' ? { type: 'any' as const } : { type: 'auto' as const } } : {}),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
  });
  const remember = () => {
    if (last.content.length > 0) messages.push({ role: 'assistant', content: last.content.map((b) => (b.type === 'text' ? { type: 'text' as const, text: b.text } : b)) as Anthropic.ContentBlockParam[] });
  };
  return {
    api: 'messages',
    async say(text) {
      remember();
      messages.push({ role: 'user', content: text });
      return send(request());
    },
    async results(outputs) {
      remember();
      messages.push({ role: 'user', content: last.calls.map((call, i) => ({ type: 'tool_result' as const, tool_use_id: call.id, content: outputs[i]! })) });
      last = { text: '', calls: [], content: [] };
      return send(request());
    },
    again: () => send(lastRequest!),
  };
}

export function responsesDriver(stack: Stack, options: DriverOptions = {}): ConversationDriver {
  const input: OpenAI.Responses.ResponseInputItem[] = [];
  let last: Answer & { output: OpenAI.Responses.ResponseOutputItem[] } = { text: '', calls: [], output: [] };
  let lastRequest: OpenAI.Responses.ResponseCreateParamsNonStreaming | undefined;
  const send = async (request: OpenAI.Responses.ResponseCreateParamsNonStreaming): Promise<Answer> => {
    lastRequest = request;
    const res = await stack.openai.responses.create(request);
    last = {
      output: res.output,
      text: res.output_text,
      calls: res.output.flatMap((item) => (item.type === 'function_call' ? [{ id: item.call_id, name: item.name, arguments: item.arguments }] : [])),
    };
    return last;
  };
  const request = (): OpenAI.Responses.ResponseCreateParamsNonStreaming => ({
    model: 'sonnet',
    instructions: options.system ?? SYSTEM,
    store: false,
    input: structuredClone(input),
    tools: [{ type: 'function', name: weather.name, description: weather.description, parameters: weather.schema, strict: false }],
    ...(options.toolChoice ? { tool_choice: options.toolChoice() } : {}),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
  });
  const remember = () => {
    for (const item of last.output) {
      if (item.type === 'message') {
        input.push({ role: 'assistant', content: item.content.flatMap((p) => (p.type === 'output_text' ? [{ type: 'output_text' as const, text: p.text, annotations: [] }] : [])), type: 'message', id: item.id, status: 'completed' } as OpenAI.Responses.ResponseInputItem);
      }
      if (item.type === 'function_call') input.push({ type: 'function_call', call_id: item.call_id, name: item.name, arguments: item.arguments });
    }
  };
  return {
    api: 'responses',
    async say(text) {
      remember();
      input.push({ role: 'user', content: text });
      return send(request());
    },
    async results(outputs) {
      remember();
      last.calls.forEach((call, i) => input.push({ type: 'function_call_output', call_id: call.id, output: outputs[i]! }));
      last = { text: '', calls: [], output: [] };
      return send(request());
    },
    again: () => send(lastRequest!),
  };
}

export const DRIVERS = { chat: chatDriver, messages: messagesDriver, responses: responsesDriver };
