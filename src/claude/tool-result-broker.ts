import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolResultBlock } from '../core/types.js';

/**
 * Hands a client's tool results to a Claude Code process that is waiting for
 * them. When Claude calls a client tool, Claude Code runs it through the
 * bridge's MCP server; the handler waits here (the process stays parked)
 * until the client's next request brings the result, which then reaches
 * Claude as the ordinary result of that call, in the same turn.
 */
export class ToolResultBroker {
  private readonly waiting = new Map<string, (result: CallToolResult) => void>();
  private readonly ready = new Map<string, CallToolResult>();
  private closed = false;

  /** Called by the MCP handler with the id of the call Claude Code is running. */
  wait(toolUseId: string | undefined): Promise<CallToolResult> {
    if (this.closed || toolUseId === undefined) return Promise.resolve(cancelled());
    const result = this.ready.get(toolUseId);
    if (result) {
      this.ready.delete(toolUseId);
      return Promise.resolve(result);
    }
    return new Promise((resolve) => this.waiting.set(toolUseId, resolve));
  }

  /** The calls whose handlers are waiting for a result now. */
  waitingFor(): string[] {
    return [...this.waiting.keys()];
  }

  provide(toolUseId: string, result: CallToolResult): void {
    const resolve = this.waiting.get(toolUseId);
    if (resolve) {
      this.waiting.delete(toolUseId);
      resolve(result);
    } else {
      this.ready.set(toolUseId, result);
    }
  }

  /** The session is over: release every waiting handler. */
  close(): void {
    this.closed = true;
    for (const resolve of this.waiting.values()) resolve(cancelled());
    this.waiting.clear();
    this.ready.clear();
  }
}

function cancelled(): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: 'The call was cancelled.' }] };
}

/**
 * A client's tool result as MCP content, or undefined when MCP cannot carry
 * it as it is (an image given by URL) and the conversation must go the
 * transcript way instead.
 */
export function toCallToolResult(block: ToolResultBlock): CallToolResult | undefined {
  const content: CallToolResult['content'] = [];
  for (const part of block.content) {
    if (part.type === 'text') content.push({ type: 'text', text: part.text });
    else if (part.source.type === 'base64') content.push({ type: 'image', data: part.source.data, mimeType: part.source.media_type });
    else return undefined;
  }
  return { content, ...(block.is_error ? { isError: true } : {}) };
}
