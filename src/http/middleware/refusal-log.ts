import type { Logger } from '../../logger.js';

/** Distinct values remembered; past it, refusals are no longer logged (a page may loop). */
const MAX_REMEMBERED = 100;

/**
 * Logs a refused Host or Origin once per distinct value: the owner should
 * learn that a page tried to reach the bridge, or that a proxy needs
 * --allowed-hosts, without a page in a loop filling the log.
 */
export class RefusalLog {
  private readonly seen = new Set<string>();

  constructor(private readonly logger: Logger) {}

  note(kind: 'host' | 'origin', value: string): void {
    const key = `${kind} ${value}`;
    if (this.seen.has(key) || this.seen.size >= MAX_REMEMBERED) return;
    this.seen.add(key);
    this.logger.warn({ [kind]: value.slice(0, 200) }, kind === 'host' ? 'refused a request for a host name the bridge does not answer to' : 'refused a request from a browser origin that is not allowed');
  }
}
