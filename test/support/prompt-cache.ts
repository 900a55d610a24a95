import { createHash } from 'node:crypto';
import type { MessagesBody } from './fake-anthropic.js';

/** Tokens of a piece of the prompt, estimated as Anthropic's rule of thumb has it: about four characters each. */
export function estimateTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / 4);
}

export interface CacheUsage {
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** JSON with sorted keys: the cache is over the prompt as Claude reads it, not the order of keys in the request. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** How far back from a breakpoint Anthropic looks for an earlier cached prefix, in blocks. */
const LOOKBACK_BLOCKS = 20;

interface Block {
  /** The prompt's content up to and including this block, hashed. */
  prefix: string;
  /** Tokens up to and including this block. */
  tokens: number;
  breakpoint: boolean;
}

/** A request as the prompt cache sees it: tools, then system, then messages, block by block. */
function blocks(body: MessagesBody): Block[] {
  const parts: Array<{ content: unknown; breakpoint: boolean }> = [];
  const add = (content: Record<string, unknown>) => {
    const { cache_control, ...rest } = content;
    parts.push({ content: rest, breakpoint: cache_control !== undefined && cache_control !== null });
  };
  for (const tool of body.tools ?? []) add(tool as unknown as Record<string, unknown>);
  if (typeof body.system === 'string') add({ type: 'text', text: body.system });
  else for (const block of body.system ?? []) add(block as unknown as Record<string, unknown>);
  for (const message of body.messages) {
    const content = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    // A message's role is part of what follows it.
    parts.push({ content: { role: message.role }, breakpoint: false });
    for (const block of content) add(block);
  }
  const hash = createHash('sha256');
  // The model and the request settings that change what is cached are part of every prefix.
  hash.update(canonical({ model: body.model, thinking: body.thinking }));
  let tokens = 0;
  return parts.map((part) => {
    hash.update(canonical(part.content));
    tokens += estimateTokens(part.content);
    return { prefix: hash.copy().digest('hex'), tokens, breakpoint: part.breakpoint };
  });
}

/**
 * Anthropic's prompt caching, simulated: a request reads from the cache the
 * longest prefix that ends at one of its breakpoints (or up to 20 blocks
 * before one) and that an earlier request wrote; every breakpoint past that
 * writes its prefix. What is neither read nor written is plain input.
 * Tokens are estimated from the JSON text; what matters is the shares.
 */
export class PromptCache {
  private readonly written = new Set<string>();

  usage(body: MessagesBody): CacheUsage {
    const list = blocks(body);
    const total = list.at(-1)?.tokens ?? 0;
    let read = 0;
    list.forEach((block, i) => {
      if (!block.breakpoint) return;
      for (let j = i; j >= Math.max(0, i - LOOKBACK_BLOCKS); j--) {
        if (this.written.has(list[j]!.prefix)) {
          read = Math.max(read, list[j]!.tokens);
          break;
        }
      }
    });
    let created = 0;
    for (const block of list) {
      if (!block.breakpoint || block.tokens <= read) continue;
      this.written.add(block.prefix);
      created = block.tokens - read;
    }
    return { input_tokens: total - read - created, cache_read_input_tokens: read, cache_creation_input_tokens: created };
  }

  clear(): void {
    this.written.clear();
  }
}
