import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface RawSse {
  status: number;
  headers: Headers;
  events: EventSourceMessage[];
  /** The body as received, for assertions on framing. */
  text: string;
}

/** POST a JSON body and read the whole SSE answer with a real SSE parser. */
export async function postSse(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawSse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  parser.feed(text);
  return { status: res.status, headers: res.headers, events, text };
}

/** Read a whole SSE answer (from any fetch-like source, the in-memory app included) with a real SSE parser. */
export async function readSse(res: Response): Promise<RawSse> {
  const text = await res.text();
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  parser.feed(text);
  return { status: res.status, headers: res.headers, events, text };
}
