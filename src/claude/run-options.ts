import { randomUUID } from 'node:crypto';
import type { CanUseTool, ClaimOptions, Options } from '@anthropic-ai/claude-agent-sdk';
import type { Config } from '../config.js';
import type { BridgeRequest, ToolChoice, Turn } from '../core/types.js';
import { CLIENT_TOOL_PREFIX, CLIENT_TOOL_SERVER, clientToolServer } from './client-tools.js';
import type { ProcessHandle, ProcessRegistry } from './process-registry.js';
import { baseOptions } from './sdk-environment.js';
import { STRUCTURED_OUTPUT_TOOL } from './sdk-message-normalizer.js';
import type { ToolResultBroker } from './tool-result-broker.js';
import { buildTranscript, transcriptStore } from './transcript.js';

/**
 * What Claude Code cannot be told through the API it uses is told in the
 * system prompt: which tool Claude must call, or that it may call only one.
 */
export function toolInstructions(choice: ToolChoice, parallelToolCalls: boolean): string {
  const lines: string[] = [];
  if (choice.type === 'required') lines.push('In this reply you must call at least one of the available tools.');
  if (choice.type === 'function') lines.push(`In this reply you must call the tool ${CLIENT_TOOL_PREFIX}${choice.name}.`);
  if (!parallelToolCalls) lines.push('Call at most one tool in this reply.');
  return lines.join(' ');
}

export function systemPrompt(request: BridgeRequest, config: Config): string {
  const base = request.system ?? config.defaultSystemPrompt;
  const extra = request.tools.length > 0 ? toolInstructions(request.toolChoice, request.parallelToolCalls) : '';
  return extra ? `${base}\n\n${extra}` : base;
}

/** A conversation whose last turn carries tool results continues Claude's interrupted turn. */
export function endsWithToolResults(turns: readonly Turn[]): boolean {
  const last = turns.at(-1);
  return last?.role === 'user' && last.content.some((b) => b.type === 'tool_result');
}

/** Earlier calls of client tools carry the name Claude knows them by. */
export function withClaudeToolNames(turns: readonly Turn[]): Turn[] {
  return turns.map((turn) =>
    turn.role === 'assistant'
      ? { role: 'assistant', content: turn.content.map((b) => (b.type === 'tool_use' ? { ...b, name: `${CLIENT_TOOL_PREFIX}${b.name}` } : b)) }
      : turn,
  );
}

/**
 * How the conversation reaches Claude Code. Earlier turns travel as a
 * synthesised transcript it resumes. Normally the new user turn is the
 * prompt. A turn of tool results cannot be sent as a prompt (Claude Code
 * would take the open tool call as abandoned), so then the whole
 * conversation is the transcript and Claude Code is told to resume the
 * interrupted turn: Claude receives the results in the turn that asked for
 * them, followed by Claude Code's own note "Continue from where you left off."
 */
export function conversationOptions(
  turns: readonly Turn[],
  cwd: string,
): { options: Partial<Options>; prompt: Turn | undefined; env: Record<string, string> } {
  if (turns.length === 1 && !endsWithToolResults(turns)) return { options: { persistSession: false }, prompt: turns[0], env: {} };
  const resumeTurn = endsWithToolResults(turns);
  const history = withClaudeToolNames(resumeTurn ? turns : turns.slice(0, -1));
  const sessionId = randomUUID();
  const entries = buildTranscript(history, { sessionId, cwd, version: 'claude-code-bridge' });
  return {
    // A session store works only with persistence on; the SDK then keeps the
    // transcript in a temporary config folder of its own, not the user's.
    options: { resume: sessionId, sessionStore: transcriptStore(sessionId, entries), persistSession: true },
    prompt: resumeTurn ? undefined : turns.at(-1),
    env: resumeTurn ? { CLAUDE_CODE_RESUME_INTERRUPTED_TURN: '1' } : {},
  };
}

/**
 * Permission for each tool call Claude makes: structured output (Claude
 * Code's own way of returning JSON) and the client's tools are allowed (a
 * client tool's handler only waits for the client's result, see
 * ToolResultBroker); anything else is refused.
 */
export function permissionHandler(): CanUseTool {
  return async (toolName, input) => {
    if (toolName === STRUCTURED_OUTPUT_TOOL || toolName.startsWith(CLIENT_TOOL_PREFIX)) {
      return { behavior: 'allow', updatedInput: input };
    }
    return { behavior: 'deny', message: 'Tools are not available.', interrupt: true };
  };
}

/**
 * Options every Claude Code process of the bridge starts with, a spare or
 * not: the safety defaults, token-level streaming, the permission handler,
 * and an empty base system prompt to which each request's own is appended
 * (a spare can take a request's system prompt only as an appendix, so cold
 * runs do the same and Claude receives the same prompt either way).
 */
export function sessionOptions(config: Config, registry: ProcessRegistry, process: ProcessHandle): Options {
  const { cwd: _cwd, ...base } = baseOptions(config, '');
  return {
    ...base,
    // No transcript in the user's Claude Code folder: the client keeps the conversation.
    persistSession: false,
    includePartialMessages: true,
    systemPrompt: '',
    canUseTool: permissionHandler(),
    spawnClaudeCodeProcess: registry.spawner(process),
  };
}

/** Whether a warm spare can serve this request: a claim cannot resume history, add tools or change limits. */
export function claimable(request: BridgeRequest): boolean {
  return (
    request.turns.length === 1 &&
    !endsWithToolResults(request.turns) &&
    request.tools.length === 0 &&
    request.outputFormat === undefined &&
    request.maxOutputTokens === undefined
  );
}

/** What a claim sets: the rest is the spare's, and the same as a cold run's. */
export function claimOptions(request: BridgeRequest, config: Config, cwd: string, sdkModel: string | undefined): ClaimOptions {
  return {
    cwd,
    appendSystemPrompt: systemPrompt(request, config),
    ...(sdkModel ? { model: sdkModel } : {}),
    ...(request.effort ? { settings: { effortLevel: request.effort } } : {}),
    ...(request.thinking === 'off' ? { maxThinkingTokens: 0 } : {}),
  };
}

/** SDK options for a cold run of one request, apart from the prompt. */
export function coldOptions(
  request: BridgeRequest,
  config: Config,
  cwd: string,
  sdkModel: string | undefined,
  shared: Options,
  broker: ToolResultBroker,
): { options: Options; prompt: Turn | undefined } {
  const conversation = conversationOptions(request.turns, cwd);
  const env: Record<string, string | undefined> = { ...shared.env, ...conversation.env };
  if (request.maxOutputTokens !== undefined) env.CLAUDE_CODE_MAX_OUTPUT_TOKENS = String(request.maxOutputTokens);
  const options: Options = {
    ...shared,
    ...conversation.options,
    cwd,
    env,
    extraArgs: { 'append-system-prompt': systemPrompt(request, config) },
    ...(sdkModel ? { model: sdkModel } : {}),
    ...(request.effort ? { effort: request.effort } : {}),
    ...(request.thinking === 'off' ? { thinking: { type: 'disabled' as const } } : {}),
    ...(request.tools.length > 0
      ? { mcpServers: { [CLIENT_TOOL_SERVER]: clientToolServer(request.tools, broker, config.liveSessionTtlMs + 60_000) } }
      : {}),
    ...(request.outputFormat
      ? {
          outputFormat: {
            type: 'json_schema' as const,
            schema: request.outputFormat.type === 'json_schema' ? request.outputFormat.schema : { type: 'object' },
          },
        }
      : {}),
  };
  return { options, prompt: conversation.prompt };
}
