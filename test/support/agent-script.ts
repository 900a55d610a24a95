import { conversation, type Handler, type MessagesBody, type Reply } from './fake-anthropic.js';

/**
 * A fake-upstream handler that plays an agent model, driven by a script the
 * client's user message carries, so that a real agent client can be run
 * end to end without knowing what it wraps around the prompt:
 *
 *   [[agent: call <tool> <json arguments> ; call <tool> <json> ; answer <text>]]
 *
 * Each `call` is one step: "Claude" says `Calling <tool>.` and calls the
 * client tool whose name is `<tool>` (as the client declared it, whatever
 * prefix or namespace the bridge gives it), with those arguments, and waits
 * for the result. After
 * the last call it answers `<text>`, followed by `Result: ` and the text of
 * the last tool result, so a test can see that the client's own tool output
 * reached Claude and came back in the final answer. Steps are counted from
 * the last user message that carries a script, so a second turn with a new
 * script starts again. `think <text>` before `answer` adds a thinking block.
 * A conversation with no script is echoed (`Echo: <last user text>`).
 */

export interface ScriptStep {
  kind: 'call';
  tool: string;
  input: Record<string, unknown>;
}

export interface AgentScript {
  calls: ScriptStep[];
  think: string | undefined;
  answer: string;
}

const SCRIPT = /\[\[agent:([\s\S]*?)\]\]/;

/** The script in a prompt, to build one: `agentScript([{ tool, input }], 'Done.')`. */
export function agentScript(calls: Array<{ tool: string; input: Record<string, unknown> }>, answer: string, think?: string): string {
  const steps = calls.map((c) => `call ${c.tool} ${JSON.stringify(c.input)}`);
  if (think) steps.push(`think ${think}`);
  steps.push(`answer ${answer}`);
  return `[[agent: ${steps.join(' ; ')}]]`;
}

/**
 * The script in a text, if it has one. A client may send the prompt as a
 * JSON string literal (opencode does), so a script whose arguments do not
 * parse is read once more with JSON's escapes undone.
 */
export function parseAgentScript(text: string): AgentScript | undefined {
  const match = SCRIPT.exec(text);
  if (!match) return undefined;
  for (const steps of [match[1]!, match[1]!.replace(/\\(["\\])/g, '$1')]) {
    try {
      return parseSteps(steps);
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

function parseSteps(steps: string): AgentScript {
  const script: AgentScript = { calls: [], think: undefined, answer: '' };
  for (const raw of steps.split(/\s;\s/)) {
    const step = raw.trim();
    const space = step.indexOf(' ');
    const verb = space < 0 ? step : step.slice(0, space);
    const rest = space < 0 ? '' : step.slice(space + 1).trim();
    if (verb === 'call') {
      const gap = rest.indexOf(' ');
      const tool = gap < 0 ? rest : rest.slice(0, gap);
      script.calls.push({ kind: 'call', tool, input: gap < 0 ? {} : (JSON.parse(rest.slice(gap + 1)) as Record<string, unknown>) });
    } else if (verb === 'think') {
      script.think = rest;
    } else if (verb === 'answer') {
      script.answer = rest;
    }
  }
  return script;
}

type Turn = ReturnType<typeof conversation>[number];

function textOf(turn: Turn): string {
  return turn.content
    .filter((b) => b.type === 'text')
    .map((b) => String(b.text))
    .join('\n');
}

function resultText(block: Record<string, unknown>): string {
  const content = block.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Array<{ type: string; text?: string }>)
    .filter((part) => part.type === 'text')
    .map((part) => part.text ?? '')
    .join('\n');
}

/** The name Claude was offered for the client's tool `name` (the bridge prefixes it; a namespace may be joined to it). */
export function offeredToolName(body: MessagesBody, name: string): string | undefined {
  const names = (body.tools ?? []).map((t) => t.name);
  return names.find((n) => n === name) ?? names.find((n) => n.endsWith(`__${name}`));
}

/** What "Claude" does next for this conversation, following its script. */
export function scriptedReply(body: MessagesBody): Reply {
  const turns = conversation(body);
  let start = -1;
  let script: AgentScript | undefined;
  for (let i = turns.length - 1; i >= 0 && !script; i--) {
    if (turns[i]!.role !== 'user') continue;
    script = parseAgentScript(textOf(turns[i]!));
    if (script) start = i;
  }
  // A request with no tools (a client asking for a title, say) is not the agent's turn: echo it.
  const clientTools = (body.tools ?? []).some((t) => t.name.startsWith('mcp__'));
  if (!script || (script.calls.length > 0 && !clientTools)) {
    const last = [...turns].reverse().find((t) => t.role === 'user');
    return { blocks: [{ type: 'text', text: ['Echo: ', last ? textOf(last) : ''] }] };
  }
  const after = turns.slice(start + 1);
  const done = after.filter((t) => t.role === 'assistant' && t.content.some((b) => b.type === 'tool_use')).length;
  const step = script.calls[done];
  if (step) {
    const name = offeredToolName(body, step.tool);
    if (!name) {
      const offered = (body.tools ?? []).map((t) => t.name).join(', ');
      return { blocks: [{ type: 'text', text: `SCRIPT ERROR: no tool named ${step.tool} was offered (offered: ${offered})` }] };
    }
    const json = JSON.stringify(step.input);
    // Arguments in a few pieces, as Claude streams them.
    const third = Math.ceil(json.length / 3);
    const chunks = [json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)].filter((c) => c !== '');
    // A word before the call, as Claude usually says one: an answer with a message and a call.
    return { blocks: [{ type: 'text', text: `Calling ${step.tool}.` }, { type: 'tool_use', name, input: step.input, chunks }] };
  }
  const results = after.flatMap((t) => t.content.filter((b) => b.type === 'tool_result'));
  const last = results.at(-1);
  const answer = last ? `${script.answer} Result: ${resultText(last).trim()}` : script.answer;
  return {
    blocks: [...(script.think ? [{ type: 'thinking' as const, thinking: script.think }] : []), { type: 'text', text: answer.split(/(?<= )/) }],
  };
}

export const agentHandler: Handler = (request) => scriptedReply(request.body);
