/**
 * Model names: what Claude Code offers, and how the names that people's tools
 * already send map onto it. Pure functions; the list itself comes from the
 * Claude adapter (asked of Claude Code, or the static fallback below).
 */

export interface ModelEntry {
  /** What Claude Code calls it: an alias such as "sonnet", or "default". */
  alias: string;
  /** The full model id the alias currently resolves to, when known. */
  resolvedId: string | undefined;
  displayName: string;
  description: string;
}

/** Used when Claude Code cannot be asked; Claude Code resolves these aliases itself. */
export const FALLBACK_MODELS: readonly ModelEntry[] = [
  { alias: 'default', resolvedId: undefined, displayName: 'Default', description: "Claude Code's default model" },
  { alias: 'opus', resolvedId: undefined, displayName: 'Opus', description: 'Latest Opus' },
  { alias: 'sonnet', resolvedId: undefined, displayName: 'Sonnet', description: 'Latest Sonnet' },
  { alias: 'haiku', resolvedId: undefined, displayName: 'Haiku', description: 'Latest Haiku' },
];

export interface ResolvedModel {
  /** What to pass to Claude Code; undefined lets Claude Code use its default. */
  sdkModel: string | undefined;
  /** The catalogue entry the name resolved to. */
  entry: ModelEntry;
}

const FAMILY_PATTERN = /(?:^|[^a-z])(opus|sonnet|haiku|fable)(?:[^a-z]|$)/;

/** Names that mean "whatever Claude Code uses by default". */
const DEFAULT_NAMES = new Set(['default', 'claude', 'claude-code', 'claude-latest']);

/**
 * Resolve a requested model name against the catalogue, or return undefined
 * when it names nothing Claude Code offers.
 *
 * Accepted: the aliases themselves; full ids Claude Code reports; and any
 * Claude-family name (`claude-3.5-sonnet`, `claude-opus-4-1`,
 * `anthropic/claude-sonnet-4.5`, `claude-3-5-haiku-20241022`), which maps to
 * the family's current model.
 */
export function resolveModelName(requested: string | undefined, catalogue: readonly ModelEntry[]): ResolvedModel | undefined {
  const defaultEntry = catalogue.find((m) => m.alias === 'default') ?? FALLBACK_MODELS[0]!;
  if (requested === undefined) return { sdkModel: undefined, entry: defaultEntry };
  const name = requested.trim().toLowerCase();
  if (DEFAULT_NAMES.has(name)) return { sdkModel: undefined, entry: defaultEntry };

  // Prefer a named alias over "default" when both resolve to the same id.
  const exact =
    catalogue.find((m) => m.alias === name) ??
    catalogue.find((m) => m.alias !== 'default' && m.resolvedId === name) ??
    catalogue.find((m) => m.resolvedId === name);
  if (exact) return { sdkModel: exact.alias === 'default' ? undefined : exact.alias, entry: exact };

  const provider = name.includes('/') ? name.slice(0, name.indexOf('/')) : undefined;
  if (provider !== undefined && provider !== 'anthropic' && provider !== 'claude') return undefined;
  const bare = provider === undefined ? name : name.slice(provider.length + 1);
  const family = FAMILY_PATTERN.exec(bare)?.[1];
  if (family === undefined || !(bare.startsWith('claude') || bare === family)) return undefined;
  const entry = catalogue.find((m) => m.alias === family);
  return entry ? { sdkModel: entry.alias, entry } : undefined;
}

/** The ids a client may send, for listings and error messages: full ids first, then aliases. */
export function listedModelIds(catalogue: readonly ModelEntry[]): string[] {
  const ids: string[] = [];
  for (const m of catalogue) if (m.resolvedId && !ids.includes(m.resolvedId)) ids.push(m.resolvedId);
  for (const m of catalogue) if (!ids.includes(m.alias)) ids.push(m.alias);
  return ids;
}
