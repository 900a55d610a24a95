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
