import { BridgeError } from '../errors/bridge-error.js';
import type { SparePool } from './spare-pool.js';

/** How a run got its Claude Code process (for metrics and tests). */
export type RunOrigin = 'live' | 'prestarted' | 'spare' | 'cold';

/** What the warm pool hears of one run, told by the runner at each step; what to do about it is the pool's call. */
export interface PoolRunTicket {
  /** The run's process sent its first message (it is up). */
  processUp(): void;
  /** The run failed; a login failure makes every ready spare useless. */
  failed(err: unknown): void;
  /** The run is over, however it ended; `toolCallsHandedBack`: its process waits for the client's results. */
  ended(toolCallsHandedBack: boolean): void;
}

/**
 * The pool's policy around runs, in one place: while a request starts
 * Claude Code cold no spare is started (on a machine with few cores the two
 * would slow each other down, and the request is the one someone waits
 * for); nor while a conversation's tool loop goes on (a step in progress,
 * or tool calls handed back whose results are due), so a cold start that
 * offers the client's tools waits for its run's end, which tells whether a
 * loop began; a login failure discards the spares, which hold the same
 * login; once a run is over the pool is brought back to size.
 */
export function poolRunTicket(pool: SparePool, origin: RunOrigin, run: { toolStep: boolean; toolsOffered: boolean }): PoolRunTicket {
  const { toolStep, toolsOffered } = run;
  let starting = origin === 'cold';
  if (starting) pool.coldStartBegan();
  if (toolStep) pool.toolStepBegan();
  const processUp = (): void => {
    if (!starting) return;
    starting = false;
    pool.coldStartEnded(!toolsOffered);
  };
  return {
    processUp,
    failed(err) {
      if (err instanceof BridgeError && err.kind === 'authentication') pool.discardAll();
    },
    ended(toolCallsHandedBack) {
      processUp();
      if (toolStep) pool.toolStepEnded();
      if (toolCallsHandedBack) pool.toolResultsDue();
      pool.replenish();
    },
  };
}
