import { ClaudeRunner } from '../claude/claude-runner.js';
import { LiveSessions } from '../claude/live-sessions.js';
import { PrestartedSessions } from '../claude/prestarted-sessions.js';
import { ProcessRegistry } from '../claude/process-registry.js';
import { SparePool } from '../claude/spare-pool.js';
import { ConversationPreamble } from '../claude/conversation-preamble.js';
import { ModelRefusals } from '../claude/extra-body.js';
import { Workspace } from '../claude/workspace.js';
import type { Config } from '../config.js';
import { plainRequest } from '../core/types.js';
import { BridgeError } from '../errors/bridge-error.js';
import { silentLogger } from '../logger.js';

export type ProbeResult =
  | { ok: true; model: string; ms: number }
  | { ok: false; error: BridgeError; ms: number };

const PROBE_PROMPT = 'Reply with the single word: ok';

/**
 * One tiny real request through the same runner the server uses: the only
 * way to know that the login works is that Claude answers. Its default
 * model is used, since that is what a request without a model gets.
 */
export async function probeLogin(config: Config, timeoutMs: number): Promise<ProbeResult> {
  // One cold run: no warm spare or pre-started session, nothing kept afterwards.
  const workspace = new Workspace(config.workRoot, config.childEnv);
  const runner = new ClaudeRunner({
    config,
    logger: silentLogger(),
    registry: new ProcessRegistry(),
    pool: new SparePool({ size: 0, idleMs: 60_000, options: () => ({}), fingerprint: () => '' }, new ProcessRegistry(), silentLogger()),
    prestarted: new PrestartedSessions(
      { budgetBytes: 0, idleMs: 60_000, defaultRecipe: { key: '', options: () => ({}), extraBody: '{}' }, fingerprint: () => '' },
      new ProcessRegistry(),
      silentLogger(),
    ),
    live: new LiveSessions({ max: 0, ttlMs: 0 }),
    workspace,
    preamble: new ConversationPreamble(undefined),
    refusals: new ModelRefusals(),
  });
  const request = plainRequest([{ role: 'user', content: [{ type: 'text', text: PROBE_PROMPT }] }], {
    system: 'You are a connectivity check. Answer in one word.',
    parallelToolCalls: false,
    includeThinking: false,
  });
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new BridgeError('timeout', `Claude did not answer within ${Math.round(timeoutMs / 1000)} s.`, { code: 'probe_timeout' }),
    );
  }, timeoutMs);
  const started = Date.now();
  let model = 'unknown';
  try {
    for await (const event of runner.start({ request, sdkModel: undefined, signal: controller.signal }).events) {
      if (event.type === 'start') model = event.model;
      if (event.type === 'end') return { ok: true, model, ms: Date.now() - started };
    }
    return {
      ok: false,
      error: new BridgeError('upstream', 'Claude Code stopped without an answer.'),
      ms: Date.now() - started,
    };
  } catch (err) {
    const error = err instanceof BridgeError ? err : new BridgeError('server', (err as Error).message);
    return { ok: false, error, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
    // The doctor exits soon after: its run's transcript goes now. The working
    // folder stays: a bridge that is running may be using it.
    workspace.removeTranscriptsNow();
  }
}
