import { echoHandler, lastUserText, type Handler } from './fake-anthropic.js';

/**
 * A fake-upstream handler driven by the prompt itself, so concurrent
 * requests each get their own behaviour:
 *   "SLOW <ms> <words…>"  streams the words with <ms> between them
 *   "HANG <ms> <words…>"  waits <ms> before answering
 *   anything else          is echoed back ("Echo: <prompt>")
 */
export const scriptedHandler: Handler = (request) => {
  const text = lastUserText(request.body);
  const [command, ms, ...words] = text.split(' ');
  if (command === 'SLOW') {
    return { blocks: [{ type: 'text', text: words.map((w, i) => (i === 0 ? w : ` ${w}`)) }], delayMs: Number(ms) };
  }
  if (command === 'HANG') {
    return { blocks: [{ type: 'text', text: words.join(' ') || 'late' }], firstByteDelayMs: Number(ms) };
  }
  return echoHandler(request);
};
