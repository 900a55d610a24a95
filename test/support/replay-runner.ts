import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { normalizerFor, type ClaudeRunner, type RunOrigin } from '../../src/claude/claude-runner.js';
import type { RunHandle, RunSpec } from '../../src/core/ports.js';
import type { RunEvent } from '../../src/core/types.js';
import type { UsageLimits } from '../../src/core/usage-limits.js';
import { recording } from './recordings.js';

/** What one run replays: a recorded sequence by name, or messages given directly. */
export interface Replay {
  recording?: string;
  messages?: SDKMessage[];
  /** Wait for this before replaying anything past the run's first event (a run that is still going). */
  holdAfterStart?: Promise<unknown>;
  /**
   * Say nothing until this settles (a run silent from its start), or until
   * the bridge gives the run up: it then ends, as a process that is stopped.
   */
  holdBeforeStart?: Promise<unknown>;
  /** As holdBeforeStart, past the run's first event (a run that falls silent mid-answer). */
  silentAfterStart?: Promise<unknown>;
}

export type ReplayScript = (spec: RunSpec) => Replay;

/**
 * Stands in for ClaudeRunner in the in-memory tier: each run replays a
 * message sequence recorded from the real Claude Code (test/fixtures/
 * sdk-sequences) through the real SdkMessageNormalizer, set up as the
 * runner sets it up for that request. Everything around it (the pipeline,
 * the routes, the translators) is the bridge's own code. It keeps the spec of
 * every run it was asked for, so a test can tell what would have reached
 * Claude Code, and whether anything did.
 */
export class ReplayRunner implements Pick<ClaudeRunner, 'start' | 'origins'> {
  readonly origins: Record<RunOrigin, number> = { live: 0, prestarted: 0, spare: 0, cold: 0 };
  /** Every run started, in order. */
  readonly runs: RunSpec[] = [];
  /** Runs whose events are still being read. */
  active = 0;
  private script: ReplayScript = () => ({ recording: 'text' });

  constructor(private readonly options: { upstreamRetries: number; usageLimits?: UsageLimits }) {}

  /** What every following run replays (until the next play() or reset()). */
  play(replay: Replay | ReplayScript): void {
    this.script = typeof replay === 'function' ? replay : () => replay;
  }

  reset(): void {
    this.runs.length = 0;
    this.script = () => ({ recording: 'text' });
  }

  start(spec: RunSpec): RunHandle {
    this.runs.push(spec);
    this.origins.cold++;
    const replay = this.script(spec);
    const messages = replay.messages ?? recording(replay.recording ?? 'text');
    const { request } = spec;
    // Set up as ClaudeRunner sets it up for this request.
    const normalizer = normalizerFor(request, this.options.upstreamRetries, this.options.usageLimits);
    const events = async function* (this: ReplayRunner): AsyncGenerator<RunEvent> {
      this.active++;
      try {
        let started = false;
        if (replay.holdBeforeStart) await untilAborted(replay.holdBeforeStart, spec.signal);
        for (const message of messages) {
          spec.signal.throwIfAborted();
          // One message at a time, as they would come from a process: the client can leave in between.
          await new Promise((resolve) => setImmediate(resolve));
          for (const event of normalizer.push(message)) {
            yield event;
            if (!started && replay.holdAfterStart) await replay.holdAfterStart;
            if (!started && replay.silentAfterStart) await untilAborted(replay.silentAfterStart, spec.signal);
            started = true;
          }
          if (normalizer.done) return;
        }
        throw new Error(`the replayed sequence ended before the run did (${replay.recording ?? 'given messages'})`);
      } finally {
        this.active--;
      }
    };
    return {
      events: events.call(this),
      interrupt: () => normalizer.markInterrupted(),
      stopsSentUpstream: false,
      extraBodyIgnored: () => undefined,
    };
  }
}

/** Wait for `hold`, or stop waiting (throwing the abort reason) when the run is given up. */
async function untilAborted(hold: Promise<unknown>, signal: AbortSignal): Promise<void> {
  let onAbort = () => undefined as void;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([hold, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  signal.throwIfAborted();
}
