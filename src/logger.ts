import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * Structured logs on stderr (stdout stays free for the CLI's own output).
 * Quiet by default: warnings and errors only; `verbose` adds one line per
 * request and debug detail.
 */
export function createLogger(options: { verbose: boolean; level?: string }): Logger {
  return pino(
    {
      level: options.level ?? (options.verbose ? 'debug' : 'warn'),
      base: undefined,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'headers["x-api-key"]'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}

/** A logger that drops everything (tests, embedding). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
