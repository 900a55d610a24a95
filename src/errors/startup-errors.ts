/**
 * Why the server could not start, told apart so that each is reported as
 * what it is: a setting whose value cannot be used (named, with its
 * variable), or a failure to listen (the only one that gets host/port advice).
 */

/** A setting's value passed parsing but cannot be used (a folder that is missing or cannot be written). */
export class SettingUnusableError extends Error {
  override name = 'SettingUnusableError';

  constructor(
    /** The flag, e.g. "--log-dir". */
    readonly flag: string,
    /** Its environment variable, e.g. "BRIDGE_LOG_DIR". */
    readonly env: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${flag} (${env}): ${problem}`, options);
  }
}

/** The server could not listen on its address; `cause` is the socket error. */
export class ListenError extends Error {
  override name = 'ListenError';

  constructor(override readonly cause: unknown) {
    super((cause as Error | undefined)?.message ?? String(cause));
  }
}
