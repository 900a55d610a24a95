import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import type { CompletionService } from '../../core/completion-service.js';
import type { ResolvedModel } from '../../core/model-names.js';
import { toAnthropicErrorBody } from '../../errors/wire-errors.js';
import type { Logger } from '../../logger.js';
import { redactBody } from '../../observe/redact.js';
import { AnthropicMessageStream, type AnthropicStreamEvent } from '../../translate/anthropic-messages/message-stream.js';
import { anthropicCountTokensRequestSchema, anthropicMessagesRequestSchema } from '../../translate/anthropic-messages/request-schema.js';
import { toBridgeRequest } from '../../translate/anthropic-messages/to-bridge-request.js';
import { estimateInputTokens } from '../../translate/anthropic-messages/token-estimate.js';
import { reportIgnored, withUnapplied } from '../ignored-header.js';
import { readJsonRequest } from '../json-body.js';
import { relayRun, startRun, type SseFrame } from '../run-relay.js';

export interface MessagesRouteDeps {
  service: CompletionService;
  logger: Logger;
  includeThinking: boolean;
  /** Silence after which a stream gets a `ping`; also how long the stream's start waits for Claude. */
  keepAliveMs: number;
}

/** Marks count_tokens answers as the estimate they are. */
export const TOKEN_COUNT_HEADER = 'x-claude-code-bridge-token-count';

function messageId(): string {
  return `msg_${randomBytes(12).toString('base64url')}`;
}

/** Anthropic's SSE names every event after its type; its clients skip events without a name. */
function frames(events: AnthropicStreamEvent[]): SseFrame[] {
  return events.map((event) => ({ event: event.type, data: event }));
}

function modelName(model: ResolvedModel): string {
  return model.entry.resolvedId ?? model.entry.alias;
}

/** POST /v1/messages (Anthropic's Messages API, streaming and not) and POST /v1/messages/count_tokens. */
export function registerAnthropicMessages(app: Hono, deps: MessagesRouteDeps): void {
  app.post('/v1/messages', async (c) => {
    const trace = c.get('trace');
    const { body, raw } = await readJsonRequest(c, anthropicMessagesRequestSchema);
    trace.describe(redactBody(body), { model: body.model, stream: body.stream === true });
    const translation = toBridgeRequest(body, { includeThinking: deps.includeThinking, raw });
    // As with the other wire formats, a request refused before the answer
    // starts (login, limits, an overloaded API) gets its HTTP status, which
    // Anthropic's clients retry on; a stream still waiting after a keep-alive
    // interval gets its stream now (message_start, then pings), and a failure
    // after that arrives as an `error` event.
    const run = await startRun(deps.service, trace, translation.request, c.req.raw.signal, {
      waitMs: translation.stream ? deps.keepAliveMs : Infinity,
    });
    // What Claude's API did not apply is known once the answer starts (under Anthropic's names).
    reportIgnored(c, withUnapplied(translation.ignored, run.first, { stop: 'stop_sequences' }));
    const message = new AnthropicMessageStream({ id: messageId(), includeThinking: translation.request.includeThinking });

    if (!translation.stream) {
      for await (const event of run.events) message.push(event);
      return c.json(message.message());
    }

    return relayRun(
      c,
      {
        push: (event) => frames(message.push(event)),
        fail: (error) => [{ event: 'error', data: toAnthropicErrorBody(error, trace.id) }],
      },
      {
        trace,
        logger: deps.logger,
        run,
        lateOpening: () => frames(message.begin(modelName(run.model))),
        keepAlive: { intervalMs: deps.keepAliveMs, frame: { event: 'ping', data: { type: 'ping' } } },
      },
    );
  });

  app.post('/v1/messages/count_tokens', async (c) => {
    const trace = c.get('trace');
    const { body, raw } = await readJsonRequest(c, anthropicCountTokensRequestSchema);
    trace.describe(redactBody(body), { model: body.model, stream: false });
    const translation = toBridgeRequest(body, { includeThinking: false, raw });
    await deps.service.resolveModel(body.model);
    reportIgnored(c, translation.ignored);
    c.header(TOKEN_COUNT_HEADER, 'estimate');
    return c.json({ input_tokens: estimateInputTokens(translation.request) });
  });
}
