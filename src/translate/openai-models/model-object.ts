import { listedModelIds, type ModelEntry } from '../../core/model-names.js';

export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export function toModelObject(id: string, created: number): OpenAIModel {
  return { id, object: 'model', created, owned_by: 'anthropic' };
}

/**
 * The model list: full model ids first, then Claude Code's aliases (which
 * follow the newest model of their family). `created` is when the bridge
 * learnt of the list, as Claude Code does not say when a model was released.
 */
export function toModelList(entries: readonly ModelEntry[], created: number): { object: 'list'; data: OpenAIModel[] } {
  return { object: 'list', data: listedModelIds(entries).map((id) => toModelObject(id, created)) };
}
