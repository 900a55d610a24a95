import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PromptCache, CacheUsage } from './prompt-cache.js';

/**
 * A stand-in for Claude's Messages API on 127.0.0.1. The real Claude Code
 * binary is pointed at it (ANTHROPIC_BASE_URL), so tests run the whole stack
 * offline, script what "Claude" answers, and read back exactly what Claude
 * Code sent.
 */

export type ReplyBlock =
  | { type: 'text'; text: string | string[] }
  | { type: 'thinking'; thinking: string | string[] }
  | { type: 'tool_use'; id?: string; name: string; input: Record<string, unknown>; chunks?: string[] };

export interface StreamReply {
  blocks: ReplyBlock[];
  stopReason?: string;
  stopSequence?: string | null;
  usage?: { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number };
  /** Pause between deltas (a slow stream). */
  delayMs?: number;
  /** Pause before the response headers (a slow start). */
  firstByteDelayMs?: number;
  /** Cut the connection after this many SSE events. */
  cutAfterEvents?: number;
  /** Model named in message_start; defaults to the requested model. */
  model?: string;
  /** Extra response headers (e.g. Anthropic's rate-limit headers). */
  headers?: Record<string, string>;
  /** Pause `ms` after every `events` SSE events: a long answer that comes as Claude writes it, not in one burst. */
  pace?: { events: number; ms: number };
  /** Hold the stream after this many SSE events until `until` settles (a silence as long as a test needs). */
  holds?: Array<{ afterEvents: number; until: Promise<unknown> }>;
}

export interface ErrorReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Reply = StreamReply | ErrorReply;

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: MessagesBody;
  /** The input usage reported for it (with prompt caching simulated, what was read and written). */
  usage?: CacheUsage;
}

export interface MessagesBody {
  model: string;
  system?: Array<{ type: string; text: string }> | string;
  messages: Array<{ role: string; content: string | Array<Record<string, unknown> & { type: string }> }>;
  tools?: Array<{ name: string; description?: string; input_schema: Record<string, unknown> }>;
  max_tokens?: number;
  stop_sequences?: string[];
  thinking?: unknown;
  output_config?: Record<string, unknown>;
  tool_choice?: unknown;
  [key: string]: unknown;
}

export type Handler = (request: ReceivedRequest) => Reply | Promise<Reply>;

/** Conversation messages as Claude saw them, without Claude Code's system-role context messages. */
export function conversation(body: MessagesBody): Array<{ role: string; content: Array<Record<string, unknown> & { type: string }> }> {
  return body.messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role, content: typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content }));
}

/** Text of the last user turn Claude saw. */
export function lastUserText(body: MessagesBody): string {
  const turns = conversation(body);
  const last = [...turns].reverse().find((m) => m.role === 'user');
  return (last?.content ?? [])
    .filter((b) => b.type === 'text')
    .map((b) => String(b.text))
    .join('\n');
}

/** The system prompt Claude saw, as one string. */
export function systemText(body: MessagesBody): string {
  if (typeof body.system === 'string') return body.system;
  return (body.system ?? []).map((b) => b.text).join('\n');
}

export const echoHandler: Handler = (request) => ({
  blocks: [{ type: 'text', text: ['Echo: ', lastUserText(request.body)] }],
});

function isError(reply: Reply): reply is ErrorReply {
  return 'status' in reply;
}

function pieces(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FakeAnthropic {
  readonly requests: ReceivedRequest[] = [];
  /** Numbers (1-based, in request order) of the requests whose streamed answer was sent completely. */
  readonly finishedMessages: number[] = [];
  private handler: Handler = echoHandler;
  private server: http.Server | undefined;
  private readonly sockets = new Set<import('node:net').Socket>();
  private messageCounter = 0;
  url = '';
  /** When set, prompt caching is simulated and the usage reports it (see PromptCache). */
  promptCache: PromptCache | undefined;
  /** Stop at the request's stop sequences, as Claude's API does (off: as if they never arrived). */
  honourStopSequences = true;

  /** Messages API calls only (Claude Code may make other calls). */
  get messageRequests(): ReceivedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v1/messages') && !r.path.includes('count_tokens'));
  }

  get lastRequest(): ReceivedRequest {
    const last = this.messageRequests.at(-1);
    if (!last) throw new Error('the fake upstream has received no request');
    return last;
  }

  setHandler(handler: Handler): void {
    this.handler = handler;
  }

  /** Answer every request with the same reply. */
  reply(reply: Reply): void {
    this.handler = () => reply;
  }

  /** Answer the next requests with these replies in turn, then echo. */
  replySequence(replies: Reply[]): void {
    const queue = [...replies];
    this.handler = (req) => queue.shift() ?? echoHandler(req);
  }

  reset(): void {
    this.honourStopSequences = true;
    this.requests.length = 0;
    this.finishedMessages.length = 0;
    this.handler = echoHandler;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: MessagesBody;
    try {
      body = JSON.parse(raw) as MessagesBody;
    } catch {
      body = { model: '', messages: [] };
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const received: ReceivedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body };
    this.requests.push(received);

    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ input_tokens: 42 }));
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/messages') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no route ${path}` } }));
      return;
    }
    const reply = await this.handler(received);
    if (isError(reply)) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
      res.end(JSON.stringify(reply.body ?? { type: 'error', error: { type: 'api_error', message: `status ${reply.status}` } }));
      return;
    }
    await this.stream(reply, received, res);
    if (res.writableEnded) this.finishedMessages.push(this.requests.indexOf(received) + 1);
  }

  private async stream(reply: StreamReply, received: ReceivedRequest, res: http.ServerResponse): Promise<void> {
    const body = received.body;
    if (reply.firstByteDelayMs) await sleep(reply.firstByteDelayMs);
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...(reply.headers ?? {}) });
    let sent = 0;
    const send = async (event: string, data: Record<string, unknown>, pause = false): Promise<boolean> => {
      if (res.destroyed) return false;
      if (reply.cutAfterEvents !== undefined && sent >= reply.cutAfterEvents) {
        res.socket?.destroy();
        return false;
      }
      res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
      sent++;
      const hold = reply.holds?.find((h) => h.afterEvents === sent);
      if (hold) await hold.until;
      if (reply.pace && sent % reply.pace.events === 0) await sleep(reply.pace.ms);
      if (pause && reply.delayMs) await sleep(reply.delayMs);
      return true;
    };
    const usage = {
      ...(this.promptCache ? this.promptCache.usage(body) : { input_tokens: 25, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }),
      ...reply.usage,
      output_tokens: 1,
    };
    received.usage = { input_tokens: usage.input_tokens, cache_read_input_tokens: usage.cache_read_input_tokens, cache_creation_input_tokens: usage.cache_creation_input_tokens };
    // As Claude's API does, generation stops before the first stop sequence, which is not sent.
    const stops = this.honourStopSequences && Array.isArray(body.stop_sequences) ? body.stop_sequences : [];
    let stoppedAt: string | null = null;
    // Text that might begin a stop sequence is held back until the next piece decides.
    let held = '';
    const untilStop = (piece: string): string | undefined => {
      if (stoppedAt !== null) return undefined;
      const combined = held + piece;
      let cut = -1;
      for (const stop of stops) {
        const at = combined.indexOf(stop);
        if (at !== -1 && (cut === -1 || at < cut)) {
          cut = at;
          stoppedAt = stop;
        }
      }
      if (cut !== -1) {
        held = '';
        return combined.slice(0, cut);
      }
      let keep = 0;
      for (const stop of stops) {
        for (let n = Math.min(stop.length - 1, combined.length); n > keep; n--) {
          if (combined.endsWith(stop.slice(0, n))) {
            keep = n;
            break;
          }
        }
      }
      held = combined.slice(combined.length - keep);
      return combined.slice(0, combined.length - keep);
    };
    const id = `msg_fake_${++this.messageCounter}`;
    if (
      !(await send('message_start', {
        message: { id, type: 'message', role: 'assistant', model: reply.model ?? body.model, content: [], stop_reason: null, stop_sequence: null, usage },
      }))
    )
      return;
    let index = 0;
    for (const block of reply.blocks) {
      if (block.type === 'text') {
        if (stoppedAt !== null) break;
        if (!(await send('content_block_start', { index, content_block: { type: 'text', text: '' } }))) return;
        for (const piece of pieces(block.text)) {
          const text = untilStop(piece);
          if (text === undefined) break;
          if (text && !(await send('content_block_delta', { index, delta: { type: 'text_delta', text } }, true))) return;
        }
        // Held back, and not a stop sequence after all.
        if (stoppedAt === null && held) {
          const rest = held;
          held = '';
          if (!(await send('content_block_delta', { index, delta: { type: 'text_delta', text: rest } }))) return;
        }
      } else if (block.type === 'thinking') {
        if (!(await send('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }))) return;
        for (const thinking of pieces(block.thinking)) {
          if (!(await send('content_block_delta', { index, delta: { type: 'thinking_delta', thinking } }, true))) return;
        }
        if (!(await send('content_block_delta', { index, delta: { type: 'signature_delta', signature: 'fake-signature' } }))) return;
      } else {
        const toolId = block.id ?? `toolu_fake_${this.messageCounter}_${index}`;
        if (!(await send('content_block_start', { index, content_block: { type: 'tool_use', id: toolId, name: block.name, input: {} } }))) return;
        const json = JSON.stringify(block.input);
        for (const partial of block.chunks ?? [json]) {
          if (!(await send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: partial } }, true))) return;
        }
      }
      if (!(await send('content_block_stop', { index }))) return;
      index++;
    }
    const stopReason =
      stoppedAt !== null ? 'stop_sequence' : (reply.stopReason ?? (reply.blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'));
    if (
      !(await send('message_delta', {
        delta: { stop_reason: stopReason, stop_sequence: stoppedAt ?? reply.stopSequence ?? null },
        usage: { output_tokens: reply.usage?.output_tokens ?? 12 },
      }))
    )
      return;
    if (!(await send('message_stop', {}))) return;
    res.end();
  }
}
