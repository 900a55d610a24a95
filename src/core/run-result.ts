import type { RunEvent, StopReason, Usage } from './types.js';

export interface CollectedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A whole run, gathered from its events (for answers that are not streamed). */
export interface RunResult {
  model: string;
  text: string;
  thinking: string;
  toolCalls: CollectedToolCall[];
  stopReason: StopReason;
  stopSequence: string | null;
  usage: Usage;
}

/**
 * Gather a run's events into one result; pure, one event at a time. The one
 * accumulator of run events: the non-streamed Chat answer, the request's
 * trace and the runner (for the turn a live session is parked with) all read
 * it.
 */
export class RunCollector {
  private model = 'unknown';
  private text = '';
  private thinking = '';
  private readonly toolCalls: CollectedToolCall[] = [];
  private end: Extract<RunEvent, { type: 'end' }> | undefined;

  push(event: RunEvent): void {
    switch (event.type) {
      case 'start':
        this.model = event.model;
        break;
      case 'text':
        this.text += event.text;
        break;
      case 'thinking':
        this.thinking += event.text;
        break;
      case 'tool_call_start':
        this.toolCalls[event.index] = { id: event.id, name: event.name, arguments: '' };
        break;
      case 'tool_call_delta': {
        const call = this.toolCalls[event.index];
        if (call) call.arguments += event.argumentsDelta;
        break;
      }
      case 'end':
        this.end = event;
        break;
    }
  }

  /** The run's `end` event, once it came. */
  get ending(): Extract<RunEvent, { type: 'end' }> | undefined {
    return this.end;
  }

  /** What has been gathered so far, ended or not (for logs of runs that failed midway). */
  partial(): { model: string; text: string; thinking: string; toolCalls: CollectedToolCall[] } {
    return { model: this.model, text: this.text, thinking: this.thinking, toolCalls: this.toolCalls.filter(Boolean) };
  }

  result(): RunResult {
    if (!this.end) throw new Error('the run has not ended');
    return {
      model: this.model,
      text: this.text,
      thinking: this.thinking,
      toolCalls: this.toolCalls.filter(Boolean),
      stopReason: this.end.stopReason,
      stopSequence: this.end.stopSequence,
      usage: this.end.usage,
    };
  }
}
