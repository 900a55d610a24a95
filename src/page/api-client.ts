/** Where the API key the user typed is kept: this tab's session storage, gone when the tab closes. */
const KEY_ITEM = 'claude-code-bridge:api-key';

/** The bridge refused the key (or wanted one). */
export class Unauthorized extends Error {
  override name = 'Unauthorized';
}

/** Calls to the bridge from the page, carrying the key, if there is one, as a bearer token. */
export class ApiClient {
  constructor(private readonly storage: Storage) {}

  get key(): string | null {
    return this.storage.getItem(KEY_ITEM);
  }

  setKey(key: string): void {
    this.storage.setItem(KEY_ITEM, key);
  }

  forgetKey(): void {
    this.storage.removeItem(KEY_ITEM);
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const key = this.key;
    return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
  }

  /** fetch() with the key; a 401 becomes Unauthorized. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(path, { ...init, headers: this.headers(init.headers as Record<string, string> | undefined) });
    if (res.status === 401) throw new Unauthorized(await errorMessage(res));
    return res;
  }

  async getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await this.fetch(path, signal ? { signal } : {});
    if (!res.ok) throw new Error(await errorMessage(res));
    return (await res.json()) as T;
  }
}

/** The message of an error response in any of the bridge's shapes, or its status. */
export async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // not JSON
  }
  return `HTTP ${res.status} ${res.statusText}`.trim();
}
