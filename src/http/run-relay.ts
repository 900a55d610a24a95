import type { Context } from 'hono';
import type { CompletionService } from '../core/completion-service.js';
import { withHead } from '../core/event-stream.js';
import type { OutputFlow } from '../core/output-flow.js';
import type { RequestTrace } from '../core/request-trace.js';
import type { ResolvedModel } from '../core/model-names.js';
import type { BridgeRequest, RunEvent } from '../core/types.js';
import { toBridgeError, type BridgeError } from '../errors/bridge-error.js';
import type { Logger } from '../logger.js';
import { sseResponse, type SseWait, type SseWriter } from './sse.js';

/**
 * One server-sent event: JSON data with an optional event name, JSON data
 * already written as text (a translator's hottest event, made from a
 * template), a raw data line, or a comment.
 */
export type SseFrame = { event?: string; data: unknown } | { event?: string; json: string } | { raw: string } | { comment: string };

/**
 * A wire format's stream: the frames for each run event, and for a failure
 * once the stream has begun. `push` may take its time (the Responses API
 * stores an answer before it reports it complete).
 */
export interface StreamTranslator {
  push(event: RunEvent): SseFrame[] | Promise<SseFrame[]>;
  fail(error: BridgeError): SseFrame[];
  /** Frames after the run's last event (OpenAI's `[DONE]`). */
  done?(): SseFrame[];
}

export interface StartedRun {
  model: ResolvedModel;
  /**
   * The run's first event, if it came within the wait given to startRun;
   * undefined when it is still on its way (the stream then starts without it).
   */
  first: IteratorResult<RunEvent> | undefined;
  /** All of the run's events, the first included, watched by the request's trace. */
  events: AsyncGenerator<RunEvent>;
  /** Held while the client does not read, so that Claude Code is not read either. */
  flow: OutputFlow;
}

export interface StartOptions {
  /**
   * How long to wait for the first event before answering without it: a
   * streamed answer waits one keep-alive interval, a plain one until the
   * answer starts (Infinity).
   */
  waitMs: number;
}

/**
 * Open a run through the shared pipeline, let the trace watch it, and wait
 * for its first event: the one first-event rule of every route. The model is
 * resolved here (an unknown one fails now, as a plain HTTP error), and a
 * failure before the first event throws, so the request keeps its HTTP
 * status, which clients act on (login, limits, a usage-policy answer). A
 * streamed request still waiting after `waitMs` (queued, Claude Code
 * starting, Claude thinking) gets its stream and keep-alives before a proxy
 * or client gives up on a silent connection. Whatever happens to the request
 * afterwards, its end ends the run, which gives back the run's concurrency
 * slot (or its place in the queue).
 */
export async function startRun(
  service: CompletionService,
  trace: RequestTrace,
  request: BridgeRequest,
  signal: AbortSignal,
  options: StartOptions,
): Promise<StartedRun> {
  const run = await service.open(request, signal);
  const watched = trace.watch(run.events);
  trace.onFinish(() => void watched.return(undefined).catch(() => undefined));
  const pending = watched.next();
  // A late first event that fails is read (and reported) by the stream; until then it is not unhandled.
  pending.catch(() => undefined);
  const first = Number.isFinite(options.waitMs) ? await firstEventWithin(pending, options.waitMs) : await pending;
  return { model: run.model, first, events: withHead(pending, watched), flow: run.flow };
}

/** The first event, if it comes within `ms`; undefined if it is still on its way (a failure before then still throws). */
export async function firstEventWithin(first: Promise<IteratorResult<RunEvent>>, ms: number): Promise<IteratorResult<RunEvent> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([first, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The SSE comment the OpenAI wire formats send through silences: every SSE parser skips it, every proxy sees bytes. */
export const KEEP_ALIVE_COMMENT: SseFrame = { comment: 'keep-alive' };

export interface RelayOptions {
  trace: RequestTrace;
  logger: Logger;
  run: Pick<StartedRun, 'first' | 'events' | 'flow'>;
  /** Frames that open a stream whose first event is still on its way (a keep-alive, or the wire's own opening event). */
  lateOpening: () => SseFrame[];
  /** After this long without a frame written, send `frame` (and again each time the silence lasts as long). */
  keepAlive?: { intervalMs: number; frame: SseFrame };
}

function write(writer: SseWriter, frame: SseFrame): SseWait {
  if ('raw' in frame) return writer.sendRaw(frame.raw);
  if ('comment' in frame) return writer.comment(frame.comment);
  if ('json' in frame) return writer.sendJson(frame.json, frame.event);
  return writer.send(frame.data, frame.event);
}

/**
 * Stream a run to the client in a wire format. Every wire format streams
 * the same way: frames in order, keep-alives through silences, an error
 * after the stream began as the wire's own failure frames, the Claude Code
 * process ended as soon as the client leaves, and the trace finished when
 * the last byte is out.
 */
export function relayRun(c: Context, translator: StreamTranslator, options: RelayOptions): Response {
  const { trace, logger, run } = options;
  const { events } = run;
  trace.streaming = true;
  // A client that does not read holds the run's Claude Code output back (options.flow).
  return sseResponse(c, async (writer) => {
    // Frames are queued in the order they are sent, by the run and by the
    // keep-alive timer alike (queueing never waits: only the producer does,
    // afterwards, for a client that reads slower than Claude writes).
    let lastFrame = performance.now();
    let timer: NodeJS.Timeout | undefined;
    // One timer for the whole stream, which looks at the last frame's time
    // when it fires: a long answer writes tens of thousands of frames, and
    // moving a timer for each is measurable.
    const keepAliveThroughSilences = ({ intervalMs, frame }: NonNullable<RelayOptions['keepAlive']>) => {
      const onSilence = () => {
        const silentFor = performance.now() - lastFrame;
        if (silentFor >= intervalMs) void send([frame]);
        timer = setTimeout(onSilence, silentFor >= intervalMs ? intervalMs : intervalMs - silentFor);
      };
      timer = setTimeout(onSilence, intervalMs);
    };
    // An event that yields no frame (hidden thinking, say) is silence for the
    // client and its proxies: only a frame written puts the keep-alive off.
    const send = (frames: SseFrame[]): SseWait => {
      let wait: SseWait;
      for (const frame of frames) {
        if (writer.aborted) break;
        wait = write(writer, frame) ?? wait;
      }
      if (frames.length > 0) lastFrame = performance.now();
      return wait;
    };
    try {
      if (options.keepAlive) keepAliveThroughSilences(options.keepAlive);
      if (!run.first) await send(options.lateOpening());
      for await (const event of events) {
        if (writer.aborted) break;
        const frames = translator.push(event);
        const wait = send(Array.isArray(frames) ? frames : await frames);
        if (wait) await wait;
      }
      if (!writer.aborted && translator.done) await send(translator.done());
    } catch (err) {
      const error = toBridgeError(err);
      trace.fail(error);
      logger.warn({ err: error.message, status: error.status }, 'stream ended with an error');
      await send(translator.fail(error));
    } finally {
      clearTimeout(timer);
      await events.return(undefined);
      trace.finish(200);
    }
  }, { flow: run.flow });
}
