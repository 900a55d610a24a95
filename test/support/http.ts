/** Parsed JSON body, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function jsonOf(res: Response): Promise<any> {
  return res.json();
}

export interface CaughtApiError {
  status: number;
  code: string | null;
  param: string | null;
  type: string;
  message: string;
  error: unknown;
  headers: Headers | Record<string, string>;
}

/** The error an `openai` client call rejected with (fails the test if it resolved). */
export async function apiError(promise: Promise<unknown>): Promise<CaughtApiError> {
  try {
    await promise;
  } catch (err) {
    return err as CaughtApiError;
  }
  throw new Error('expected the call to fail');
}

/** An error as the openai and Anthropic clients reject with: its status, its parsed body and its headers. */
export interface CaughtClientError {
  status: number;
  error: { error?: { code?: string; message?: string; type?: string }; type?: string; message?: string } & Record<string, unknown>;
  headers: Headers | Record<string, string>;
}

/** The error a client call rejected with (fails the test if it resolved). */
export async function clientError(call: () => Promise<unknown>): Promise<CaughtClientError> {
  try {
    await call();
  } catch (err) {
    return err as CaughtClientError;
  }
  throw new Error('expected the call to fail');
}

/** One header of a caught error, whichever client's form its headers take. */
export function headerOf(headers: Headers | Record<string, string>, name: string): string | null | undefined {
  return headers instanceof Headers ? headers.get(name) : headers[name];
}
