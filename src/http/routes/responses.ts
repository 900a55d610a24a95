import type { Hono } from 'hono';
import type { CompletionService } from '../../core/completion-service.js';
import { BridgeError, invalidRequest } from '../../errors/bridge-error.js';
import type { Logger } from '../../logger.js';
import { redactBody } from '../../observe/redact.js';
import type { ResponseStore } from '../../store/response-store.js';
import { ResponseEventStream, type ResponsesStreamEvent } from '../../translate/openai-responses/event-stream.js';
import { responsesRequestSchema } from '../../translate/openai-responses/request-schema.js';
import { newId, responseIdOfItem, type OutputItem, type ResponseObject } from '../../translate/openai-responses/response-object.js';
import { fromStored, storedItem, toStoredResponse } from '../../translate/openai-responses/stored-response.js';
import { referencedItemIds, toBridgeRequest, type StoredConversation } from '../../translate/openai-responses/to-bridge-request.js';
import { reportIgnored, withUnapplied } from '../ignored-header.js';
import { readJsonRequest } from '../json-body.js';
import { KEEP_ALIVE_COMMENT, relayRun, startRun, type SseFrame } from '../run-relay.js';

export interface ResponsesRouteDeps {
  service: CompletionService;
  store: ResponseStore;
  logger: Logger;
  includeThinking: boolean;
  /** Silence after which a stream gets a keep-alive comment; also how long a stream's start waits for Claude. */
  keepAliveMs: number;
}

/** The Responses API's SSE names each event after its type. */
function frames(events: ResponsesStreamEvent[]): SseFrame[] {
  return events.map((event) => ({ event: event.type, data: event }));
}

function responseNotFound(id: string): BridgeError {
  return new BridgeError('not_found', `No response found with id '${id}'.`, { code: 'response_not_found', param: 'response_id' });
}

/** POST /v1/responses, GET and DELETE /v1/responses/{id}: OpenAI's Responses API, with stored responses. */
export function registerResponses(app: Hono, deps: ResponsesRouteDeps): void {
  const { store, logger } = deps;

  async function previousConversation(id: string | null | undefined, owner: string): Promise<StoredConversation | undefined> {
    if (!id) return undefined;
    const stored = fromStored(await store.get(id, owner));
    // OpenAI answers an unknown, expired or unstored id this way, and
    // clients recognise it (some then resend the whole conversation).
    if (!stored) throw invalidRequest(`Previous response with id '${id}' not found.`, 'previous_response_id', 'previous_response_not_found');
    return stored.conversation;
  }

  /**
   * The stored items the input refers to by id. An item id of the bridge's
   * names the response it came from; an id that is not found is left out,
   * and the translator refuses it by name.
   */
  async function referencedItems(ids: string[], owner: string): Promise<Map<string, OutputItem>> {
    const found = new Map<string, OutputItem>();
    for (const id of new Set(ids)) {
      const responseId = responseIdOfItem(id);
      const stored = responseId ? fromStored(await store.get(responseId, owner)) : undefined;
      const item = stored ? storedItem(stored, id) : undefined;
      if (item) found.set(id, item);
    }
    return found;
  }

  /** Keep an answered response, when the client asked for it, before the client hears it is complete. */
  async function remember(response: ResponseObject, conversation: StoredConversation, owner: string): Promise<void> {
    if (!response.store || response.status === 'failed') return;
    try {
      const kept = await store.put(response.id, owner, toStoredResponse(response, conversation));
      if (!kept) logger.warn({ id: response.id }, 'response larger than --responses-max-size: not stored');
    } catch (err) {
      logger.warn({ id: response.id, err: (err as Error).message }, 'could not store the response');
    }
  }

  app.post('/v1/responses', async (c) => {
    const trace = c.get('trace');
    // Stored responses belong to the API key that stored them (with several keys).
    const owner = c.get('clientScope');
    const { body, raw } = await readJsonRequest(c, responsesRequestSchema);
    trace.describe(redactBody(body), { model: body.model, stream: body.stream === true });
    const previous = await previousConversation(body.previous_response_id, owner);
    const references = await referencedItems(referencedItemIds(body), owner);
    const translation = toBridgeRequest(body, { includeThinking: deps.includeThinking, previous, references, raw });
    const response = new ResponseEventStream({
      id: newId('resp'),
      createdAt: Math.floor(Date.now() / 1000),
      settings: translation.settings,
      includeThinking: deps.includeThinking,
      tools: translation.tools,
    });
    // A failure before the answer starts gets its HTTP status; a stream
    // starts at Claude's first event or after one keep-alive interval
    // (response.created at once, as OpenAI's API does), and a later failure
    // ends it with response.failed.
    const run = await startRun(deps.service, trace, translation.request, c.req.raw.signal, {
      waitMs: translation.stream ? deps.keepAliveMs : Infinity,
    });
    // What Claude's API did not apply is known once the answer starts.
    reportIgnored(c, withUnapplied(translation.ignored, run.first));

    if (!translation.stream) {
      for await (const event of run.events) response.push(event);
      await remember(response.response(), translation.conversation, owner);
      return c.json(response.response());
    }

    return relayRun(
      c,
      {
        push: async (event) => {
          const out = response.push(event);
          if (event.type === 'end') await remember(response.response(), translation.conversation, owner);
          return frames(out);
        },
        fail: (error) => frames(response.fail(error)),
      },
      {
        trace,
        logger,
        run,
        lateOpening: () => frames(response.begin(run.model.entry.resolvedId ?? run.model.entry.alias)),
        keepAlive: { intervalMs: deps.keepAliveMs, frame: KEEP_ALIVE_COMMENT },
      },
    );
  });

  app.get('/v1/responses/:id', async (c) => {
    const id = c.req.param('id');
    const stored = fromStored(await store.get(id, c.get('clientScope')));
    if (!stored) throw responseNotFound(id);
    return c.json(stored.response);
  });

  app.delete('/v1/responses/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await store.delete(id, c.get('clientScope')))) throw responseNotFound(id);
    return c.json({ id, object: 'response.deleted', deleted: true });
  });
}
