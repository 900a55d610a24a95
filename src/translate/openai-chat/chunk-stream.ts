import type OpenAI from 'openai';
import type { RunEvent } from '../../core/types.js';
import { toFinishReason, type ChatFinishReason } from './finish-reason.js';
import { toOpenAIToolCallId } from './tool-call-id.js';
import { toChatUsage, type ChatUsage } from './usage.js';

/** OpenAI's delta, plus the bridge's extension: Claude's thinking as `reasoning_content`. */
type ChatDelta = OpenAI.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };

/** OpenAI's chunk, with the bridge's delta and usage. */
export type ChatCompletionChunk = Omit<OpenAI.ChatCompletionChunk, 'choices' | 'usage'> & {
  choices: Array<Omit<OpenAI.ChatCompletionChunk.Choice, 'delta'> & { delta: ChatDelta }>;
  usage?: ChatUsage | null;
};

export interface ChunkStreamOptions {
  id: string;
  created: number;
  includeUsage: boolean;
  includeThinking: boolean;
  /** The request used the legacy `functions` field: calls go out as `function_call`. */
  legacyFunctions?: boolean;
}

/** Stands for the text in the template of a text delta's chunk. */
const TEXT_MARK = '\u0000text\u0000';

/**
 * RunEvents → chat.completion.chunk objects, one delta per event, so the
 * client sees each token as Claude produces it. The first chunk carries the
 * role, exactly one carries the finish_reason, and with include_usage a last
 * chunk with no choices carries the usage.
 */
export class ChatChunkStream {
  private model = 'unknown';
  /** A text delta's chunk as JSON, in the two halves around the text, for the model they name. */
  private contentJson: { model: string; head: string; tail: string } | undefined;

  constructor(private readonly options: ChunkStreamOptions) {}

  /**
   * The chunks for one event as the JSON text each is sent as. A text delta,
   * nearly every chunk of an answer, is written into the JSON of the same
   * chunk made once (only the text differs from one to the next), rather than
   * built as an object and serialised whole: the same bytes, for a fraction
   * of the work per token.
   */
  pushJson(event: RunEvent): string[] {
    if (event.type !== 'text') return this.push(event).map((chunk) => JSON.stringify(chunk));
    if (this.contentJson?.model !== this.model) {
      const halves = JSON.stringify(this.chunk({ content: TEXT_MARK })).split(JSON.stringify(TEXT_MARK));
      // (A model name holding the mark would split the template wrongly: such a chunk is serialised whole.)
      if (halves.length !== 2) return this.push(event).map((chunk) => JSON.stringify(chunk));
      this.contentJson = { model: this.model, head: halves[0]!, tail: halves[1]! };
    }
    return [this.contentJson.head + JSON.stringify(event.text) + this.contentJson.tail];
  }

  push(event: RunEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'start':
        this.model = event.model;
        return [this.chunk({ role: 'assistant', content: '' })];
      case 'text':
        return [this.chunk({ content: event.text })];
      case 'thinking':
        return this.options.includeThinking ? [this.chunk({ reasoning_content: event.text })] : [];
      case 'thinking_signature':
        // Chat Completions has no place for a thinking signature.
        return [];
      case 'tool_call_start':
        if (this.options.legacyFunctions) return [this.chunk({ function_call: { name: event.name, arguments: '' } })];
        return [
          this.chunk({
            tool_calls: [{ index: event.index, id: toOpenAIToolCallId(event.id), type: 'function', function: { name: event.name, arguments: '' } }],
          }),
        ];
      case 'tool_call_delta':
        if (this.options.legacyFunctions) return [this.chunk({ function_call: { arguments: event.argumentsDelta } })];
        return [this.chunk({ tool_calls: [{ index: event.index, function: { arguments: event.argumentsDelta } }] })];
      case 'end': {
        const chunks = [this.chunk({}, toFinishReason(event.stopReason, this.options.legacyFunctions))];
        if (this.options.includeUsage) {
          chunks.push({ ...this.base(), choices: [], usage: toChatUsage(event.usage) } satisfies OpenAI.ChatCompletionChunk);
        }
        return chunks;
      }
    }
  }

  private base(): Omit<ChatCompletionChunk, 'choices'> {
    return this.options.includeUsage
      ? { id: this.options.id, object: 'chat.completion.chunk', created: this.options.created, model: this.model, usage: null }
      : { id: this.options.id, object: 'chat.completion.chunk', created: this.options.created, model: this.model };
  }

  private chunk(delta: ChatDelta, finishReason: ChatFinishReason | null = null): ChatCompletionChunk {
    return { ...this.base(), choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] } satisfies OpenAI.ChatCompletionChunk;
  }
}
