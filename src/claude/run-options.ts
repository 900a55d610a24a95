import { randomUUID } from 'node:crypto';
import type { CanUseTool, ClaimOptions, Options } from '@anthropic-ai/claude-agent-sdk';
import type { Config } from '../config.js';
import { plainRequest, type BridgeRequest, type Turn } from '../core/types.js';
import { CLIENT_TOOL_PREFIX, CLIENT_TOOL_SERVER, clientToolServer } from './client-tools.js';
import type { Attachment } from './conversation-preamble.js';
import { planExtraBody } from './extra-body.js';
import { configurationKey, sessionContext } from './conversation-key.js';
import type { PrestartRecipe } from './prestarted-sessions.js';
import type { ProcessHandle, ProcessRegistry } from './process-registry.js';
import { baseOptions } from './sdk-environment.js';
import { STRUCTURED_OUTPUT_TOOL } from './sdk-message-normalizer.js';
import type { ToolResultBroker } from './tool-result-broker.js';
import { buildTranscript } from './transcript.js';
import type { Workspace } from './workspace.js';

/** The system prompt Claude receives after Claude Code's identity line: the client's (or the default), and any instructions. */
export function systemPrompt(request: BridgeRequest, config: Config, instructions = ''): string {
  const base = request.system ?? config.defaultSystemPrompt;
  return instructions ? `${base}\n\n${instructions}` : base;
}

/** A conversation whose last turn carries tool results continues Claude's interrupted turn. */
export function endsWithToolResults(turns: readonly Turn[]): boolean {
  const last = turns.at(-1);
  return last?.role === 'user' && last.content.some((b) => b.type === 'tool_result');
}

/** A tool call's id as Claude gave it: OpenAI's clients have it as `call_x` for Claude's `toolu_x`. */
function claudeCallId(id: string): string {
  return id.startsWith('call_') ? `toolu_${id.slice('call_'.length)}` : id;
}

/**
 * Earlier calls of client tools as Claude made them: under the name Claude
 * knows the tool by, and with Claude's own call ids, so that a conversation
 * handed over as a transcript is the one a live process holds.
 */
export function withClaudeToolNames(turns: readonly Turn[]): Turn[] {
  return turns.map((turn): Turn =>
    turn.role === 'assistant'
      ? {
          role: 'assistant',
          content: turn.content.map((b) => (b.type === 'tool_use' ? { ...b, id: claudeCallId(b.id), name: `${CLIENT_TOOL_PREFIX}${b.name}` } : b)),
        }
      : { role: 'user', content: turn.content.map((b) => (b.type === 'tool_result' ? { ...b, tool_use_id: claudeCallId(b.tool_use_id) } : b)) },
  );
}

/** The value of CLAUDE_CODE_EXTRA_BODY for an extra body (an empty object when there is nothing to add). */
export function extraBodyValue(body: Record<string, unknown>): string {
  return JSON.stringify(body);
}

export interface ConversationStart {
  /** Options that resume a written transcript, if the conversation has history. */
  options: Partial<Options>;
  /** The turn to send as the prompt; undefined when Claude Code resumes the turn itself. */
  prompt: Turn | undefined;
  env: Record<string, string>;
  /** The transcript written for this run, to be removed with its process. */
  transcript: string | undefined;
}

/**
 * How the conversation reaches Claude Code. Earlier turns travel as a
 * synthesised transcript, written where Claude Code keeps the bridge's
 * transcripts, with Claude Code's own notes after the first message (as a
 * conversation it ran itself would have them), and resumed. Normally the new
 * user turn is the prompt. A turn of tool results cannot be sent as a prompt
 * (Claude Code would take the open tool call as abandoned), so then the whole
 * conversation is the transcript and Claude Code is told to resume the
 * interrupted turn: Claude receives the results in the turn that asked for
 * them, followed by Claude Code's own note "Continue from where you left off."
 */
export function startConversation(turns: readonly Turn[], workspace: Workspace, preamble: Attachment[] | undefined): ConversationStart {
  if (turns.length === 1 && !endsWithToolResults(turns)) return { options: {}, prompt: turns[0], env: {}, transcript: undefined };
  const resumeTurn = endsWithToolResults(turns);
  const history = withClaudeToolNames(resumeTurn ? turns : turns.slice(0, -1));
  const sessionId = randomUUID();
  workspace.writeTranscript(sessionId, buildTranscript(history, { sessionId, cwd: workspace.cwd, version: 'claude-code-bridge', preamble }));
  return {
    options: { resume: sessionId },
    prompt: resumeTurn ? undefined : turns.at(-1),
    env: resumeTurn ? { CLAUDE_CODE_RESUME_INTERRUPTED_TURN: '1' } : {},
    transcript: sessionId,
  };
}

/**
 * Permission for each tool call Claude makes: structured output (Claude
 * Code's own way of returning JSON) and the client's tools are allowed (a
 * client tool's handler only waits for the client's result, see
 * ToolResultBroker); anything else is refused. The client's tools are also
 * an allow rule (sessionOptions), so Claude Code asks only about the rest.
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
 * not: the safety defaults, the shared working folder, token-level
 * streaming, the permission handler, and an empty base system prompt to
 * which each request's own is appended (a spare can take a request's system
 * prompt only as an appendix, so cold runs do the same and Claude receives
 * the same prompt either way). The empty prompt is given as a flag as well
 * as an option: a process that resumes an interrupted turn starts that turn
 * before it reads the option, and would otherwise send Claude Code's whole
 * coding-agent prompt. Claude Code keeps no transcript of its own (see
 * coldOptions for the exception); the ones it resumes are found in the
 * bridge's own folder of Claude Code's projects.
 */
export function sessionOptions(config: Config, registry: ProcessRegistry, process: ProcessHandle, workspace: Workspace): Options {
  const base = baseOptions(config, workspace.runFolder());
  return {
    ...base,
    env: { ...base.env, CLAUDE_CODE_PROJECT_DIR_NAME: workspace.transcriptsFolder },
    persistSession: false,
    includePartialMessages: true,
    systemPrompt: '',
    extraArgs: { 'system-prompt': '' },
    canUseTool: permissionHandler(),
    // The client's tools are allowed outright (the handler would allow them
    // too): Claude Code then calls one as soon as Claude has written the
    // call, without first asking the bridge (a round trip that delayed each
    // call by about 30 ms on a loaded machine). What Claude receives is the
    // same. A settings rule rather than `allowedTools`, which the SDK answers
    // with a process warning on every start.
    settings: { permissions: { allow: [`mcp__${CLIENT_TOOL_SERVER}`] } },
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
export function claimOptions(
  request: BridgeRequest,
  config: Config,
  cwd: string,
  sdkModel: string | undefined,
  extraBody: Record<string, unknown>,
  instructions: string,
): ClaimOptions {
  const settings = {
    ...(request.effort ? { effortLevel: request.effort } : {}),
    ...(Object.keys(extraBody).length > 0 ? { env: { CLAUDE_CODE_EXTRA_BODY: extraBodyValue(extraBody) } } : {}),
  };
  return {
    cwd,
    appendSystemPrompt: systemPrompt(request, config, instructions),
    ...(sdkModel ? { model: sdkModel } : {}),
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
    ...(request.thinking === 'off' ? { maxThinkingTokens: 0 } : {}),
  };
}

export interface ColdRun {
  options: Options;
  prompt: Turn | undefined;
  transcript: string | undefined;
}

/** Whether a turn carries images (Claude Code, when it keeps a transcript, stores them in files and tells Claude their paths). */
export function hasImages(turn: Turn | undefined): boolean {
  return (turn?.content ?? []).some((b) => b.type === 'image' || (b.type === 'tool_result' && b.content.some((p) => p.type === 'image')));
}

/**
 * SDK options for a cold run of one request, apart from the prompt. With
 * `keepTranscript`, Claude Code writes its transcript (in the bridge's
 * folder, removed with the process): the bridge learns Claude Code's
 * conversation notes from it (see ConversationPreamble). Only for a prompt
 * without images: with a transcript, Claude Code would store pasted images
 * in files and tell Claude where they are.
 */
export function coldOptions(
  request: BridgeRequest,
  config: Config,
  sdkModel: string | undefined,
  shared: Options,
  broker: ToolResultBroker,
  conversation: ConversationStart,
  extraBody: Record<string, unknown>,
  instructions: string,
  keepTranscript = false,
): ColdRun {
  const env: Record<string, string | undefined> = { ...shared.env, ...conversation.env };
  if (request.maxOutputTokens !== undefined) env.CLAUDE_CODE_MAX_OUTPUT_TOKENS = String(request.maxOutputTokens);
  if (Object.keys(extraBody).length > 0) env.CLAUDE_CODE_EXTRA_BODY = extraBodyValue(extraBody);
  const options: Options = {
    ...shared,
    ...conversation.options,
    persistSession: keepTranscript && !hasImages(conversation.prompt),
    env,
    extraArgs: {
      ...shared.extraArgs,
      'append-system-prompt': systemPrompt(request, config, instructions),
      // Claude Code starts a resumed turn as soon as it is up; it must first
      // have the SDK's start-up request, which brings the client's tools (the
      // SDK asks for this itself, except for a process it does not spawn).
      ...(conversation.transcript ? { 'await-initialize': null } : {}),
    },
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
  return { options, prompt: conversation.prompt, transcript: conversation.transcript };
}

/** Whether a process started ahead for the request's configuration can serve it: a new conversation, one user turn. */
export function prestartable(request: BridgeRequest): boolean {
  return request.turns.length === 1 && !endsWithToolResults(request.turns);
}

/** A conversation that has not begun: the process waits for its first message. */
const NOT_BEGUN: ConversationStart = { options: {}, prompt: undefined, env: {}, transcript: undefined };

/**
 * The configuration of a new conversation as a recipe for a process started
 * ahead: the options a cold start of this request would have, built by the
 * same function (coldOptions), without the prompt. Claude Code keeps no
 * transcript of its own in such a process: a first message with images
 * would otherwise be stored in files, and Claude told their paths.
 */
export function prestartRecipe(
  request: BridgeRequest,
  config: Config,
  sdkModel: string | undefined,
  plan: { body: Record<string, unknown>; instructions: string },
  shared: (process: ProcessHandle) => Options,
): PrestartRecipe {
  // Only what a process is started with is kept, not the conversation.
  const template: BridgeRequest = { ...request, turns: [] };
  const context = sessionContext(template, sdkModel, systemPrompt(template, config, plan.instructions));
  return {
    key: configurationKey(context, plan.body),
    extraBody: extraBodyValue(plan.body),
    options: (process, broker) => coldOptions(template, config, sdkModel, shared(process), broker, NOT_BEGUN, plan.body, plan.instructions).options,
  };
}

/** The configuration of a request that sets nothing: the bridge's default system prompt, no tools, the default model. */
export function defaultRecipe(config: Config, shared: (process: ProcessHandle) => Options): PrestartRecipe {
  const request = plainRequest([]);
  return prestartRecipe(request, config, undefined, planExtraBody(request, new Set()), shared);
}
