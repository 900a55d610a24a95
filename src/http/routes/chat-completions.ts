import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import type { CompletionService } from '../../core/completion-service.js';
import { RunCollector } from '../../core/run-result.js';
import type { RunEvent } from '../../core/types.js';
import { toBridgeError } from '../../errors/bridge-error.js';
import { toOpenAIErrorBody } from '../../errors/wire-errors.js';
import type { Logger } from '../../logger.js';
import { redactBody } from '../../observe/redact.js';
import { ChatChunkStream } from '../../translate/openai-chat/chunk-stream.js';
import { toChatCompletion } from '../../translate/openai-chat/completion.js';
import { chatCompletionRequestSchema } from '../../translate/openai-chat/request-schema.js';
import { toBridgeRequest } from '../../translate/openai-chat/to-bridge-request.js';
import { readJsonBody } from '../json-body.js';
import { sseResponse } from '../sse.js';

export interface ChatRouteDeps {
  service: CompletionService;
  logger: Logger;
  includeThinking: boolean;
}

export const IGNORED_HEADER = 'x-claude-code-bridge-ignored';

function completionId(): string {
  return `chatcmpl-${randomBytes(12).toString('base64url')}`;
}

/** POST /v1/chat/completions, streaming and not. */
export function registerChatCompletions(app: Hono, deps: ChatRouteDeps): void {
  app.post('/v1/chat/completions', async (c) => {
    const trace = c.get('trace');
    const body = await readJsonBody(c, chatCompletionRequestSchema);
    trace.describe(redactBody(body), { model: body.model, stream: body.stream === true });
    const translation = toBridgeRequest(body, { includeThinking: deps.includeThinking });
    const run = await deps.service.open(translation.request, c.req.raw.signal);
    const events = trace.watch(run.events);
    // Nothing is sent until Claude produced its first event, so failures that
    // happen before the answer starts (login, limits, timeouts) still get
    // their proper HTTP status instead of an error inside a 200 stream.
    const first = await events.next();
    if (translation.ignored.length > 0) c.header(IGNORED_HEADER, translation.ignored.join(', '));
    const id = completionId();
    const created = Math.floor(Date.now() / 1000);

    if (!translation.stream) {
      const collector = new RunCollector();
      if (!first.done) collector.push(first.value);
      for await (const event of events) collector.push(event);
      return c.json(
        toChatCompletion(collector.result(), {
          id,
          created,
          includeThinking: deps.includeThinking,
          legacyFunctions: translation.legacyFunctions,
        }),
      );
    }

    const chunks = new ChatChunkStream({
      id,
      created,
      includeUsage: translation.includeUsage,
      includeThinking: deps.includeThinking,
      legacyFunctions: translation.legacyFunctions,
    });
    trace.streaming = true;
    return sseResponse(c, async (writer) => {
      const relay = async (event: RunEvent) => {
        for (const chunk of chunks.push(event)) await writer.send(chunk);
      };
      try {
        if (!first.done) await relay(first.value);
        for await (const event of events) {
          if (writer.aborted) break;
          await relay(event);
        }
        if (!writer.aborted) await writer.sendRaw('[DONE]');
      } catch (err) {
        // The stream has started: the error becomes one final frame in the
        // shape the openai client raises, and no [DONE] follows.
        const error = toBridgeError(err);
        trace.fail(error);
        deps.logger.warn({ err: error.message, status: error.status }, 'stream ended with an error');
        if (!writer.aborted) await writer.send(toOpenAIErrorBody(error)).catch(() => undefined);
      } finally {
        await events.return(undefined);
        trace.finish(200);
      }
    });
  });
}
