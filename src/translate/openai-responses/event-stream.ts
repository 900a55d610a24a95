import type OpenAI from 'openai';
import type { RunEvent, StopReason } from '../../core/types.js';
import type { BridgeError } from '../../errors/bridge-error.js';
import { toOpenAIToolCallId } from '../openai-chat/tool-call-id.js';
import { StreamedStringField } from '../streamed-string-field.js';
import {
  itemId,
  toResponsesUsage,
  type ItemPrefix,
  type ItemStatus,
  type OutputItem,
  type OutputText,
  type ResponseObject,
  type ResponseSettings,
  type SummaryText,
  type WireResponse,
} from './response-object.js';
import type { ClientTool } from './tool-names.js';

/**
 * One streamed event of the Responses API: one of OpenAI's own (its `type`
 * names it; every one carries a sequence_number), with any response in it
 * as it goes over the wire (WireResponse: without the SDK-only output_text).
 */
export type ResponsesStreamEvent = OpenAI.Responses.ResponseStreamEvent extends infer Event
  ? Event extends { response: OpenAI.Responses.Response }
    ? Omit<Event, 'response'> & { response: WireResponse }
    : Event
  : never;

export interface ResponseStreamOptions {
  id: string;
  createdAt: number;
  settings: ResponseSettings;
  /** Whether Claude's thinking is returned (as reasoning items). */
  includeThinking: boolean;
  /** The client's tools by the name Claude calls them (see claudeToolName); a name not here is a plain function. */
  tools?: ReadonlyMap<string, ClientTool>;
}

type OpenItem = {
  index: number;
  kind: OutputItem['type'];
  /** The text so far: a message's, a summary's, a function's arguments, or a custom tool's input. */
  text: string;
  /** A custom tool's input, decoded from the JSON Claude writes. */
  input?: StreamedStringField;
};

const PREFIX: Record<OutputItem['type'], ItemPrefix> = { message: 'msg', function_call: 'fc', custom_tool_call: 'ctc', reasoning: 'rs' };

const outputText = (text: string): OutputText => ({ type: 'output_text', text, annotations: [], logprobs: [] });
const summaryText = (text: string): SummaryText => ({ type: 'summary_text', text });

/** Why the answer is incomplete, in the Responses API's terms (undefined: it is complete). */
function incompleteReason(stopReason: StopReason): 'max_output_tokens' | 'content_filter' | undefined {
  if (stopReason === 'max_tokens') return 'max_output_tokens';
  if (stopReason === 'refusal') return 'content_filter';
  return undefined;
}

/**
 * RunEvents → the Responses API's event sequence, and the response they add
 * up to. `response.created` and `response.in_progress` open it; each stretch
 * of text becomes a `message` item with one `output_text` part, each tool
 * call a `function_call` item (with the namespace of a namespaced tool) or,
 * for a custom tool, a `custom_tool_call` item whose input is the string
 * itself, each stretch of thinking a `reasoning` item with one summary part;
 * every item is added, filled by deltas and marked done;
 * `response.completed` (or `response.incomplete`) closes it. The final
 * response object is the same for streamed and plain requests.
 */
export class ResponseEventStream {
  private sequence = 0;
  private model = 'unknown';
  private status: ResponseObject['status'] = 'in_progress';
  private readonly output: OutputItem[] = [];
  private open: OpenItem | undefined;
  private usage: ResponseObject['usage'];
  private incomplete: ResponseObject['incomplete_details'] = null;
  private error: ResponseObject['error'] = null;
  private completedAt: number | null = null;
  private begun = false;
  /** Settings as the response reports them: the request's, less what Claude's API did not apply. */
  private settings: ResponseSettings;

  constructor(private readonly options: ResponseStreamOptions) {
    this.settings = options.settings;
  }

  /**
   * Open the stream before Claude's first event (a slow start): the opening
   * events name the model asked for; the run's own start then adds nothing
   * but the model that answers.
   */
  begin(model: string): ResponsesStreamEvent[] {
    return this.push({ type: 'start', model });
  }

  push(event: RunEvent): ResponsesStreamEvent[] {
    switch (event.type) {
      case 'start':
        this.model = event.model;
        if (event.unapplied?.includes('temperature')) this.settings = { ...this.settings, temperature: null };
        if (event.unapplied?.includes('top_p')) this.settings = { ...this.settings, top_p: null };
        if (this.begun) return [];
        this.begun = true;
        return [
          { type: 'response.created', sequence_number: this.next(), response: this.response() },
          { type: 'response.in_progress', sequence_number: this.next(), response: this.response() },
        ];
      case 'thinking': {
        if (!this.options.includeThinking) return [];
        const events = this.ensureOpen('reasoning');
        this.open!.text += event.text;
        events.push({ type: 'response.reasoning_summary_text.delta', sequence_number: this.next(), ...this.where(), summary_index: 0, delta: event.text });
        return events;
      }
      case 'thinking_signature':
        // A signature ends a thinking block; the next thinking is another item.
        return this.open?.kind === 'reasoning' ? this.close('completed') : [];
      case 'text': {
        const events = this.ensureOpen('message');
        this.open!.text += event.text;
        events.push({ type: 'response.output_text.delta', sequence_number: this.next(), ...this.where(), content_index: 0, delta: event.text, logprobs: [] });
        return events;
      }
      case 'tool_call_start': {
        const events = this.close('completed');
        const tool = this.options.tools?.get(event.name) ?? { name: event.name, kind: 'function' };
        const index = this.output.length;
        const callId = toOpenAIToolCallId(event.id);
        const namespace = tool.namespace === undefined ? {} : { namespace: tool.namespace };
        const item: OutputItem =
          tool.kind === 'custom'
            ? { type: 'custom_tool_call', id: this.itemId('custom_tool_call', index), call_id: callId, name: tool.name, ...namespace, input: '' }
            : { type: 'function_call', id: this.itemId('function_call', index), call_id: callId, name: tool.name, ...namespace, arguments: '', status: 'in_progress' };
        events.push(...this.add(item));
        if (tool.kind === 'custom') this.open!.input = new StreamedStringField('input');
        return events;
      }
      case 'tool_call_delta': {
        const open = this.open;
        if (open?.kind === 'function_call') {
          open.text += event.argumentsDelta;
          return [{ type: 'response.function_call_arguments.delta', sequence_number: this.next(), ...this.where(), delta: event.argumentsDelta }];
        }
        if (open?.kind === 'custom_tool_call' && open.input) {
          const delta = open.input.push(event.argumentsDelta);
          open.text += delta;
          return delta === '' ? [] : [{ type: 'response.custom_tool_call_input.delta', sequence_number: this.next(), ...this.where(), delta }];
        }
        return [];
      }
      case 'end': {
        const reason = incompleteReason(event.stopReason);
        const events = this.close(reason === 'max_output_tokens' ? 'incomplete' : 'completed');
        this.usage = toResponsesUsage(event.usage);
        if (reason) {
          this.status = 'incomplete';
          this.incomplete = { reason };
        } else {
          this.status = 'completed';
          this.completedAt = Math.floor(Date.now() / 1000);
        }
        const response = this.response();
        events.push(
          reason
            ? { type: 'response.incomplete', sequence_number: this.next(), response }
            : { type: 'response.completed', sequence_number: this.next(), response },
        );
        return events;
      }
    }
  }

  /** The stream's end when the run failed after it began: `response.failed`, with what was produced so far. */
  fail(error: BridgeError): ResponsesStreamEvent[] {
    if (this.open) {
      const item = this.output[this.open.index]!;
      this.output[this.open.index] = this.filled(item, this.open, 'incomplete');
      this.open = undefined;
    }
    this.status = 'failed';
    this.error = {
      code: error.kind === 'rate_limit' ? 'rate_limit_exceeded' : 'server_error',
      message: error.code ? `${error.message} (${error.code})` : error.message,
    };
    return [{ type: 'response.failed', sequence_number: this.next(), response: this.response() }];
  }

  /** The response as it stands (final once `end` was pushed). */
  response(): ResponseObject {
    return {
      id: this.options.id,
      object: 'response',
      created_at: this.options.createdAt,
      status: this.status,
      completed_at: this.completedAt,
      error: this.error,
      incomplete_details: this.incomplete,
      model: this.model,
      output: this.output.map((item) => structuredClone(item)),
      truncation: 'disabled',
      background: false,
      ...(this.usage ? { usage: this.usage } : {}),
      ...this.settings,
    };
  }

  /** The next event's sequence_number. */
  private next(): number {
    return this.sequence++;
  }

  private where(): { item_id: string; output_index: number } {
    const open = this.open!;
    return { item_id: this.output[open.index]!.id, output_index: open.index };
  }

  /** An id that names this response, so that an item_reference to the item can find it in the store. */
  private itemId(kind: OutputItem['type'], index: number): string {
    return itemId(PREFIX[kind], this.options.id, index);
  }

  private ensureOpen(kind: 'message' | 'reasoning'): ResponsesStreamEvent[] {
    if (this.open?.kind === kind) return [];
    const events = this.close('completed');
    const index = this.output.length;
    const item: OutputItem =
      kind === 'message'
        ? { type: 'message', id: this.itemId('message', index), status: 'in_progress', role: 'assistant', content: [] }
        : { type: 'reasoning', id: this.itemId('reasoning', index), summary: [], status: 'in_progress' };
    events.push(...this.add(item));
    if (kind === 'message') {
      events.push({ type: 'response.content_part.added', sequence_number: this.next(), ...this.where(), content_index: 0, part: outputText('') });
    } else {
      events.push({ type: 'response.reasoning_summary_part.added', sequence_number: this.next(), ...this.where(), summary_index: 0, part: summaryText('') });
    }
    return events;
  }

  private add(item: OutputItem): ResponsesStreamEvent[] {
    const index = this.output.length;
    this.output.push(item);
    this.open = { index, kind: item.type, text: '' };
    return [{ type: 'response.output_item.added', sequence_number: this.next(), output_index: index, item: structuredClone(item) }];
  }

  /** The open item, complete: its parts and arguments filled in. */
  private filled(item: OutputItem, open: OpenItem, status: ItemStatus): OutputItem {
    switch (item.type) {
      case 'message':
        return { ...item, status, content: [outputText(open.text)] };
      case 'reasoning':
        return { ...item, status, summary: [summaryText(open.text)] };
      case 'function_call':
        return { ...item, status, arguments: open.text === '' ? '{}' : open.text };
      case 'custom_tool_call':
        // The whole JSON decides, should what streamed have been cut short.
        return { ...item, input: open.input?.value() || open.text };
    }
  }

  private close(status: ItemStatus): ResponsesStreamEvent[] {
    const open = this.open;
    if (!open) return [];
    const where = this.where();
    this.open = undefined;
    const item = this.filled(this.output[open.index]!, open, status);
    this.output[open.index] = item;
    const events: ResponsesStreamEvent[] = [];
    if (item.type === 'message') {
      events.push(
        { type: 'response.output_text.done', sequence_number: this.next(), ...where, content_index: 0, text: open.text, logprobs: [] },
        { type: 'response.content_part.done', sequence_number: this.next(), ...where, content_index: 0, part: outputText(open.text) },
      );
    } else if (item.type === 'reasoning') {
      events.push(
        { type: 'response.reasoning_summary_text.done', sequence_number: this.next(), ...where, summary_index: 0, text: open.text },
        { type: 'response.reasoning_summary_part.done', sequence_number: this.next(), ...where, summary_index: 0, part: summaryText(open.text) },
      );
    } else if (item.type === 'custom_tool_call') {
      events.push({ type: 'response.custom_tool_call_input.done', sequence_number: this.next(), ...where, input: item.input });
    } else {
      events.push({ type: 'response.function_call_arguments.done', sequence_number: this.next(), ...where, name: item.name, arguments: item.arguments });
    }
    events.push({ type: 'response.output_item.done', sequence_number: this.next(), output_index: open.index, item: structuredClone(item) });
    return events;
  }
}
