import { describe, expect, test } from 'vitest';
import type { ClaudeRunner } from '../../src/claude/claude-runner.js';
import type { LoginTracker } from '../../src/claude/login-state.js';
import type { ModelCatalog } from '../../src/claude/model-catalog.js';
import { CompletionService } from '../../src/core/completion-service.js';
import { ConcurrencyLimiter } from '../../src/core/limiter.js';
import { FALLBACK_MODELS, resolveModelName } from '../../src/core/model-names.js';
import { RequestTrace } from '../../src/core/request-trace.js';
import { plainRequest, type RunEvent } from '../../src/core/types.js';
import { startRun } from '../../src/http/run-relay.js';
import { silentLogger } from '../../src/logger.js';

/** A run that yields its start and then waits: the point where a handler has its first event. */
function waitingRunner(): ClaudeRunner {
  const runner: Pick<ClaudeRunner, 'start'> = {
    start: ({ signal }) => ({
      events: (async function* (): AsyncGenerator<RunEvent> {
        yield { type: 'start', model: 'claude-haiku' };
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      })(),
      interrupt() {},
      stopsSentUpstream: false,
      extraBodyIgnored() {},
    }),
  };
  return runner as ClaudeRunner;
}

function service(limiter: ConcurrencyLimiter): CompletionService {
  const catalog: Pick<ModelCatalog, 'resolve' | 'list'> = {
    resolve: async (requested) => resolveModelName(requested, FALLBACK_MODELS),
    list: async () => ({ entries: FALLBACK_MODELS, fetchedAt: 0, account: undefined, source: 'fallback' as const, error: undefined }),
  };
  const login: Pick<LoginTracker, 'recordSuccess' | 'recordAuthFailure'> = { recordSuccess() {}, recordAuthFailure() {} };
  return new CompletionService({
    catalog: catalog as ModelCatalog,
    runner: waitingRunner(),
    login: login as LoginTracker,
    limiter,
    logger: silentLogger(),
    requestTimeoutMs: 60_000,
    idleTimeoutMs: 60_000,
  });
}

describe('a run started for a request ends with the request', () => {
  test('a handler that fails after the first event still gives the slot back, and the queue moves on', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 60_000 });
    const completions = service(limiter);
    const request = plainRequest([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
    const first = new RequestTrace('req_1', 'POST /v1/chat/completions', { address: undefined, userAgent: undefined }, []);
    const second = new RequestTrace('req_2', 'POST /v1/chat/completions', { address: undefined, userAgent: undefined }, []);
    const runA = await startRun(completions, first, request, new AbortController().signal, { waitMs: Infinity });
    expect(runA.first?.value).toMatchObject({ type: 'start' });
    // B waits in the queue: its stream would start without the first event.
    const runB = await startRun(completions, second, request, new AbortController().signal, { waitMs: 0 });
    expect(runB.first).toBeUndefined();
    const queuedFirst = runB.events.next();
    await expect.poll(() => limiter.stats()).toMatchObject({ active: 1, queued: 1 });
    // The handler of A throws here (say, writing a header); the request ends with a 500.
    first.finish(500);
    await expect.poll(() => limiter.stats()).toMatchObject({ active: 1, queued: 0 });
    expect((await queuedFirst).value).toMatchObject({ type: 'start' });
    second.finish(500);
    await expect.poll(() => limiter.stats()).toMatchObject({ active: 0, queued: 0 });
  });
});
