import type { BridgeRequest } from '../../core/types.js';

/**
 * Characters per token assumed by the estimate: a common rule of thumb for
 * Claude. Claude's tokenizer is not public and Claude Code offers no way to
 * count, so real counts vary with language and content.
 */
export const CHARACTERS_PER_TOKEN = 3.5;
/** Tokens counted per image: Anthropic's figure for an image of about 1.15 megapixels (width × height / 750). */
export const TOKENS_PER_IMAGE = 1600;

/**
 * An estimate of the input tokens a request would take: its text, tool
 * definitions and tool calls at CHARACTERS_PER_TOKEN, images at
 * TOKENS_PER_IMAGE each. It is labelled as an estimate wherever it is
 * returned; it is never Claude's own count.
 */
export function estimateInputTokens(request: BridgeRequest): number {
  let characters = request.system?.length ?? 0;
  let images = 0;
  for (const tool of request.tools) characters += tool.name.length + tool.description.length + JSON.stringify(tool.parameters).length;
  for (const turn of request.turns) {
    for (const block of turn.content) {
      switch (block.type) {
        case 'text':
          characters += block.text.length;
          break;
        case 'image':
          images++;
          break;
        case 'tool_use':
          characters += block.name.length + JSON.stringify(block.input).length;
          break;
        case 'tool_result':
          for (const part of block.content) {
            if (part.type === 'text') characters += part.text.length;
            else images++;
          }
          break;
        case 'thinking':
          characters += block.thinking.length;
          break;
      }
    }
  }
  return Math.ceil(characters / CHARACTERS_PER_TOKEN) + images * TOKENS_PER_IMAGE;
}
