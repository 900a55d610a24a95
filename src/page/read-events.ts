import { createParser, type EventSourceMessage } from './vendor/eventsource-parser.js';

/**
 * Read a server-sent-events body as it arrives. The page reads streams with
 * fetch rather than EventSource, because EventSource cannot send the API key
 * in a header (and a key in the URL would end up in logs and history).
 */
export async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: EventSourceMessage) => void): Promise<void> {
  const parser = createParser({ onEvent });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      // stream: a character split between two reads is decoded whole.
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    reader.releaseLock();
  }
}
