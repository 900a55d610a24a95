/** Something whose output can be held back: a Claude Code process's stdout. */
export interface Holdable {
  hold(): void;
  release(): void;
}

/**
 * Backpressure from a client to the Claude Code process answering it. The
 * HTTP side holds the flow while the client does not read; the run attaches
 * the process it got, which then stops being read (its output waits in the
 * pipe and in Claude Code, not in the bridge). Holding before a process is
 * attached applies once it is; detaching releases it, so a process parked
 * for its conversation's next turn is never left held.
 */
export class OutputFlow {
  private target: Holdable | undefined;
  private isHeld = false;

  get held(): boolean {
    return this.isHeld;
  }

  hold(): void {
    if (this.isHeld) return;
    this.isHeld = true;
    this.target?.hold();
  }

  release(): void {
    if (!this.isHeld) return;
    this.isHeld = false;
    this.target?.release();
  }

  attach(target: Holdable): void {
    this.detach();
    this.target = target;
    if (this.isHeld) target.hold();
  }

  detach(): void {
    if (this.isHeld) this.target?.release();
    this.target = undefined;
  }
}
