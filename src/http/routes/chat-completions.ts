import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import type { CompletionService } from '../../core/completion-service.js';
import { RunCollector } from '../../core/run-result.js';
import { toOpenAIErrorBody } from '../../errors/wire-errors.js';
import type { Logger } from '../../logger.js';
import { redactBody } from '../../observe/redact.js';
import { ChatChunkStream } from '../../translate/openai-chat/chunk-stream.js';
import { toChatCompletion } from '../../translate/openai-chat/completion.js';
import { chatCompletionRequestSchema } from '../../translate/openai-chat/request-schema.js';
import { toBridgeRequest } from '../../translate/openai-chat/to-bridge-request.js';
import { reportIgnored, withUnapplied } from '../ignored-header.js';
import { readJsonRequest } from '../json-body.js';
import { KEEP_ALIVE_COMMENT, relayRun, startRun } from '../run-relay.js';

export interface ChatRouteDeps {
  service: CompletionService;
  logger: Logger;
  includeThinking: boolean;
  /** Silence after which a stream gets a keep-alive comment; also how long a stream's start waits for Claude. */
  keepAliveMs: number;
}

function completionId(): string {
  return `chatcmpl-${randomBytes(12).toString('base64url')}`;
}

/** POST /v1/chat/completions, streaming and not. */
export function registerChatCompletions(app: Hono, deps: ChatRouteDeps): void {
  app.post('/v1/chat/completions', async (c) => {
    const trace = c.get('trace');
    const { body, raw } = await readJsonRequest(c, chatCompletionRequestSchema);
    trace.describe(redactBody(body), { model: body.model, stream: body.stream === true });
    const translation = toBridgeRequest(body, { includeThinking: deps.includeThinking, raw });
    const id = completionId();
    const created = Math.floor(Date.now() / 1000);
    // Nothing of a plain answer is sent until it is complete, so any failure gets its HTTP status;
    // a stream starts at Claude's first event or after one keep-alive interval (see startRun).
    const run = await startRun(deps.service, trace, translation.request, c.req.raw.signal, {
      waitMs: translation.stream ? deps.keepAliveMs : Infinity,
    });
    // What Claude's API did not apply is known once the answer starts.
    reportIgnored(c, withUnapplied(translation.ignored, run.first));

    if (!translation.stream) {
      const collector = new RunCollector();
      for await (const event of run.events) collector.push(event);
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
    return relayRun(
      c,
      {
        push: (event) => chunks.pushJson(event).map((json) => ({ json })),
        // The error becomes one final frame in the shape the openai client raises, and no [DONE] follows.
        fail: (error) => [{ data: toOpenAIErrorBody(error) }],
        done: () => [{ raw: '[DONE]' }],
      },
      {
        trace,
        logger: deps.logger,
        run,
        lateOpening: () => [KEEP_ALIVE_COMMENT],
        keepAlive: { intervalMs: deps.keepAliveMs, frame: KEEP_ALIVE_COMMENT },
      },
    );
  });
}
