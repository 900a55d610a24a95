import type { Hono } from 'hono';
import type { ModelSource } from '../../core/ports.js';
import { resolveModelName } from '../../core/model-names.js';
import { BridgeError } from '../../errors/bridge-error.js';
import { toModelList, toModelObject } from '../../translate/openai-models/model-object.js';

function createdOf(fetchedAt: number): number {
  return Math.floor((fetchedAt || Date.now()) / 1000);
}

/** GET /v1/models and GET /v1/models/{id}. */
export function registerModels(app: Hono, catalog: ModelSource): void {
  app.get('/v1/models', async (c) => {
    const snapshot = await catalog.list();
    return c.json(toModelList(snapshot.entries, createdOf(snapshot.fetchedAt)));
  });

  // Ids may contain a slash (anthropic/claude-sonnet-4.5), so take the rest of
  // the path. Hono has already decoded it; a malformed escape (%ff) is left as
  // it came, and names no model.
  app.get('/v1/models/:id{.+}', async (c) => {
    const id = c.req.param('id');
    const snapshot = await catalog.list();
    if (!resolveModelName(id, snapshot.entries)) {
      throw new BridgeError('not_found', `The model ${JSON.stringify(id)} does not exist.`, {
        code: 'model_not_found',
        param: 'model',
      });
    }
    return c.json(toModelObject(id, createdOf(snapshot.fetchedAt)));
  });
}
