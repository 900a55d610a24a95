/**
 * Client stop sequences, applied to the answer text as it streams (Claude
 * Code has no option for them). Text that might be the start of a stop
 * sequence is held back until the next delta decides, so a stop sequence
 * that spans deltas is caught and never reaches the client.
 */
export class StopSequenceFilter {
  private held = '';
  private matched: string | null = null;

  constructor(private readonly stops: readonly string[]) {}

  get stopped(): boolean {
    return this.matched !== null;
  }

  /** The stop sequence that ended the answer, if one did. */
  get stopSequence(): string | null {
    return this.matched;
  }

  /** Feed a delta; returns the text that may be shown now. */
  push(text: string): string {
    if (this.matched !== null) return '';
    if (this.stops.length === 0) return text;
    const buffer = this.held + text;
    let cut = -1;
    for (const stop of this.stops) {
      const at = buffer.indexOf(stop);
      if (at !== -1 && (cut === -1 || at < cut)) {
        cut = at;
        this.matched = stop;
      }
    }
    if (cut !== -1) {
      this.held = '';
      return buffer.slice(0, cut);
    }
    const keep = this.longestPendingPrefix(buffer);
    this.held = buffer.slice(buffer.length - keep);
    return buffer.slice(0, buffer.length - keep);
  }

  /** At the end of the answer: whatever was held back was not a stop sequence after all. */
  flush(): string {
    const rest = this.matched === null ? this.held : '';
    this.held = '';
    return rest;
  }

  /** Length of the longest end of `buffer` that begins some stop sequence. */
  private longestPendingPrefix(buffer: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let n = Math.min(stop.length - 1, buffer.length); n > longest; n--) {
        if (buffer.endsWith(stop.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}
