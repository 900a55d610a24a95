import type { BridgeRequest } from '../../core/types.js';

/**
 * Characters per token assumed by the estimate. Claude's tokenizer is not
 * public and Claude Code offers no way to count; English prose and code
 * come out near 3.5 characters per token, so the estimate leans high rather
 * than low (a client that budgets its context with it errs on the safe side).
 */
export const CHARACTERS_PER_TOKEN = 3.5;
/** Tokens counted per image: Claude's cost of an image at its largest size before scaling (about 1.15 megapixels). */
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
