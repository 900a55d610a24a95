import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { DRIVERS, SYSTEM } from '../support/conversation-drivers.js';
import { lastUserText, systemText, type Handler, type MessagesBody, type Reply } from '../support/fake-anthropic.js';
import { apiError } from '../support/http.js';
import { processesWithHome, waitForGone } from '../support/processes.js';
import { AGENT_SYSTEM, agentHandler, agentTurns, cachedShare } from '../support/agent-conversation.js';
import { PromptCache, type CacheUsage } from '../support/prompt-cache.js';
import { useStack, type Stack } from '../support/stack.js';
import { until } from '../support/wait.js';

// Cold starts and live sessions serve most of what this file checks. The paths
// through processes started ahead (a warm spare, a pre-started session) have a
// stack of their own below: with those on, every request a spare serves starts
// its replacement, and every new configuration a process of its own, which the
// other checks would pay for without using.
const stack = useStack({ flags: { liveSessions: '4' } });

const CONTINUE_NOTE = 'Continue from where you left off.';

/** Claude answers a question with text, a weather question with a tool call, and tool results with text. */
const weatherHandler: Handler = (request) => {
  const last = request.body.messages.filter((m) => m.role === 'user').at(-1)!;
  const content = typeof last.content === 'string' ? [] : last.content;
  if (content.some((b) => b.type === 'tool_result')) return { blocks: [{ type: 'text', text: ['Sunny', ', 25C.'] }] };
  if (lastUserText(request.body).includes('weather')) {
    return { blocks: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_W1', name: 'mcp__client__get_weather', input: { city: 'Paris' } }] };
  }
  return { blocks: [{ type: 'text', text: ['Sure', '.'] }] };
};

/** What Claude was sent, less what identifies the process that sent it (its session id, the build in the billing header). */
function comparable(body: MessagesBody): Record<string, unknown> {
  const { metadata: _metadata, ...rest } = body;
  return JSON.parse(JSON.stringify(rest).replace(/cc_version=[^;]+;/g, 'cc_version=*;')) as Record<string, unknown>;
}

/** The last request Claude received, after `send` made exactly one. */
async function sent(send: () => Promise<unknown>, on: Stack = stack): Promise<MessagesBody> {
  const before = on.fake.messageRequests.length;
  await send();
  const requests = on.fake.messageRequests.slice(before);
  expect(requests).toHaveLength(1);
  return requests[0]!.body;
}

/** Claude Code's configuration folder as each of a stack's processes has it. */
function configFolders(on: Stack = stack): string[] {
  return processesWithHome(on.home).flatMap((pid) => {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      return env.filter((v) => v.startsWith('CLAUDE_CONFIG_DIR=')).map((v) => v.slice('CLAUDE_CONFIG_DIR='.length));
    } catch {
      return [];
    }
  });
}
/** Folders where the Agent SDK's own way of resuming would put a copy of the login. */
const loginCopies = () => readdirSync(os.tmpdir()).filter((name) => name.startsWith('claude-resume-'));

/** Claude's fixed preamble and the client's own content, and nothing else, in a request after a first exchange. */
function expectOnlyPreamble(body: MessagesBody): void {
  const system = body.system as Array<{ text: string }>;
  expect(system).toHaveLength(3);
  expect(system[0]!.text).toMatch(/^x-anthropic-billing-header: cc_version=[^;]+; cc_entrypoint=sdk-ts;$/);
  expect(system[1]!.text).toBe("You are Claude Code, Anthropic's official CLI for Claude, running within the Claude Agent SDK.");
  expect(system[2]!.text).toBe(SYSTEM);
  // The client's turns, and Claude Code's environment note after the first of them.
  const [first, note, ...rest] = body.messages;
  expect(first).toMatchObject({ role: 'user' });
  expect(note!.role).toBe('system');
  const noteText = typeof note!.content === 'string' ? note!.content : note!.content.map((b) => b.text).join('');
  expect(noteText).toMatch(/^# Environment\n/);
  expect(noteText).toContain(`Primary working directory: ${stack.server.workspace.cwd}\n`);
  expect(rest.map((m) => m.role)).toEqual(['assistant', 'user']);
  expect(rest.some((m) => m.role === 'system')).toBe(false);
  // The client's tool, under the name Claude knows it by, and nothing of Claude Code's own.
  expect((body.tools ?? []).map((t) => t.name).filter((n) => n !== 'DeferredToolPlaceholder')).toEqual(['mcp__client__get_weather']);
}

// First in this file: closing a stack waits until no Claude Code process of this test process is left, and the
// file's main stack has started none yet.
describe('processes started ahead', () => {
  const ahead = useStack({ flags: { poolSize: '1', liveSessions: '4', prestartMemoryBytes: '1gb' } });

  const spareReady = () => until(() => ahead.server.pool.stats().ready >= 1, 'a warm spare');
  // The default configuration, and the one just learned.
  const prestartedReady = () =>
    until(() => ahead.server.prestarted.stats().ready >= 2 && ahead.server.prestarted.stats().warming === 0, 'the pre-started sessions');

  test('a first turn sends Claude the same from a warm spare, a pre-started session and a cold start', async () => {
    ahead.server.live.close();
    ahead.server.prestarted.forgetLearned();
    const ask = () => ahead.openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: 'Hello' }] });
    await spareReady();
    const origins = { ...ahead.server.runner.origins };
    const warm = await sent(ask, ahead);
    expect(ahead.server.runner.origins.spare).toBe(origins.spare + 1);
    await prestartedReady();
    // Spares and pre-started sessions run on the user's own Claude Code folder too.
    const folders = configFolders(ahead);
    expect(folders.length).toBeGreaterThanOrEqual(2);
    expect(new Set(folders)).toEqual(new Set([path.join(ahead.home, '.claude')]));
    const prestarted = await sent(ask, ahead);
    expect(ahead.server.runner.origins.prestarted).toBe(origins.prestarted + 1);
    // Nothing ready for this request, and nothing started meanwhile (as while another request starts cold).
    const { pool } = ahead.server;
    pool.coldStartBegan();
    let cold: MessagesBody;
    try {
      pool.discardAll();
      ahead.server.prestarted.forgetLearned();
      cold = await sent(ask, ahead);
    } finally {
      pool.coldStartEnded();
    }
    expect(ahead.server.runner.origins.cold).toBe(origins.cold + 1);
    expect(comparable(cold)).toEqual(comparable(warm));
    expect(comparable(prestarted)).toEqual(comparable(cold));
  });

  describe.each(Object.keys(DRIVERS) as Array<keyof typeof DRIVERS>)('%s: a new conversation', (api) => {
    test('with tools, from a session started before it was asked for, sends Claude what a cold start sends, and that process takes the tool results', async () => {
      ahead.fake.setHandler(weatherHandler);
      ahead.server.live.close();
      ahead.server.prestarted.forgetLearned();
      const origins = { ...ahead.server.runner.origins };
      // The first conversation of this configuration starts cold (the spare cannot take tools)…
      const cold = await sent(() => DRIVERS[api](ahead).say('What is the weather in Paris?'), ahead);
      expect(ahead.server.runner.origins.cold).toBe(origins.cold + 1);
      // …and the next one is served by a process started for it meanwhile.
      await prestartedReady();
      const chat = DRIVERS[api](ahead);
      const prestarted = await sent(() => chat.say('What is the weather in Paris?'), ahead);
      expect(ahead.server.runner.origins).toMatchObject({ cold: origins.cold + 1, prestarted: origins.prestarted + 1 });
      expect(comparable(prestarted)).toEqual(comparable(cold));
      expect((prestarted.tools ?? []).map((t) => t.name)).toContain('mcp__client__get_weather');
      // No replacement is wanted (the next test forgets this configuration): it would start once the results are
      // due, and the process taken is a live session now, which forgetting leaves alone.
      ahead.server.prestarted.forgetLearned();
      // Its answer ended in a tool call: the same process takes the results.
      const results = await sent(() => chat.results(['25C, sunny']), ahead);
      expect(ahead.server.runner.origins).toMatchObject({ prestarted: origins.prestarted + 1, live: origins.live + 1 });
      expect(conversationOf(results).at(-1)).toMatchObject({ role: 'user' });
    });
  });
});

/** The turns Claude received, without Claude Code's system-role notes. */
function conversationOf(body: MessagesBody) {
  return body.messages.filter((m) => m.role !== 'system');
}

describe.each(Object.keys(DRIVERS) as Array<keyof typeof DRIVERS>)('%s: the same conversation by every path', (api) => {
  test("fresh, live and cold turns, and a cold resume of a tool turn, send Claude the same thing, and nothing beyond the client's content and Claude Code's fixed preamble", async () => {
    // Where every process of the conversation finds the login, and whether it was copied, while Claude is asked.
    const folders: string[] = [];
    const copiesBefore = loginCopies();
    const copiesDuring = new Set<string>();
    stack.fake.setHandler((request) => {
      folders.push(...configFolders());
      for (const name of loginCopies()) if (!copiesBefore.includes(name)) copiesDuring.add(name);
      return weatherHandler(request);
    });
    stack.server.live.close();
    const chat = DRIVERS[api](stack);
    const { origins } = stack.server.runner;

    // A question: no live session can hold it, so the process starts cold.
    await sent(() => chat.say('Plan a day out.'));

    // A question answered with a tool call: in the live process, then cold with the history.
    const before = { ...origins };
    const live = await sent(() => chat.say('What is the weather in Paris?'));
    expect(origins.live).toBe(before.live + 1);
    expectOnlyPreamble(live);
    // The session now waits for the tool's result. Ending it (as its TTL, an eviction or shutdown do) makes no
    // call to Claude: Claude Code, told to stop inside a tool call, would report the call as interrupted and
    // send the whole conversation again.
    expect(stack.server.live.stats().parked).toBe(1);
    const waiting = stack.server.registry.list().filter((e) => e.role === 'session').map((e) => e.pid);
    expect(waiting).toHaveLength(1);
    const calls = stack.fake.messageRequests.length;
    stack.server.live.close();
    await waitForGone(waiting);
    expect(stack.fake.messageRequests).toHaveLength(calls);
    const cold = await sent(() => chat.again());
    expect(origins.cold).toBe(before.cold + 1);
    expect(comparable(cold)).toEqual(comparable(live));

    // The tool's result: to the process waiting in the call, then cold, resuming the interrupted turn.
    const liveResult = await sent(() => chat.results(['25C, sunny']));
    expect(origins.live).toBe(before.live + 2);
    stack.server.live.close();
    const coldResult = await sent(() => chat.again());
    expect(origins.cold).toBe(before.cold + 2);
    // Claude Code's own note after resumed results is the one difference (see docs/what-reaches-claude.md).
    const lastTurn = coldResult.messages.filter((m) => m.role === 'user').at(-1)!.content as Array<Record<string, unknown>>;
    const note = lastTurn.pop()!;
    expect(note).toMatchObject({ type: 'text', text: CONTINUE_NOTE });
    // Whichever block is last carries the cache breakpoint.
    const { cache_control: breakpoint, ...noteBlock } = note;
    expect(noteBlock).toEqual({ type: 'text', text: CONTINUE_NOTE });
    if (breakpoint) lastTurn[lastTurn.length - 1] = { ...lastTurn.at(-1)!, cache_control: breakpoint };
    expect(comparable(coldResult)).toEqual(comparable(liveResult));
    // No hidden prompt on any path: Claude Code's identity, then the client's system prompt.
    for (const body of [live, cold, liveResult, coldResult]) {
      expect((body.system as Array<{ text: string }>).slice(1).map((b) => b.text)).toEqual([expect.stringMatching(/^You are Claude Code/), SYSTEM]);
    }
    // Fresh, with history and resuming a tool turn, every process ran on the user's own Claude Code folder:
    // the Agent SDK's way of resuming copies the login into a folder of its own, without the refresh token.
    expect(folders.length).toBeGreaterThan(0);
    expect(new Set(folders)).toEqual(new Set([path.join(stack.home, '.claude')]));
    expect([...copiesDuring]).toEqual([]);
  });
});

describe("sampling, stop sequences and tool choice reach Claude's API", () => {
  test('sampling and stop sequences are sent as the client set them; a stop sequence ends the answer at the API, which reports it, and nothing is generated past it', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: ['one ', 'two END three ', 'four'] }] });
    const anthropic = new Anthropic({ baseURL: stack.server.url, apiKey: 'unused', maxRetries: 0 });
    // This client's types no longer have sampling parameters (Anthropic's newest API version refuses them); older clients send them.
    const sampled = { model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'count' }], temperature: 0.5, top_k: 7, stop_sequences: ['END'] };
    const message = await anthropic.messages.create(sampled as Anthropic.MessageCreateParamsNonStreaming);
    expect(stack.fake.lastRequest.body).toMatchObject({ temperature: 0.5, top_k: 7, stop_sequences: ['END'] });
    expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END', content: [{ type: 'text', text: 'one two ' }] });
    expect(stack.fake.finishedMessages).toHaveLength(1);
    const chat = await stack.openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'count' }], temperature: 0.3, top_p: 0.8, stop: ['END'] });
    expect(stack.fake.lastRequest.body).toMatchObject({ temperature: 0.3, top_p: 0.8, stop_sequences: ['END'] });
    expect(chat.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'one two ' } });
    await stack.openai.responses.create({ model: 'sonnet', input: 'hi', temperature: 1.7, top_p: 0.4, store: false });
    // Claude's API takes a temperature up to 1.
    expect(stack.fake.lastRequest.body).toMatchObject({ temperature: 1, top_p: 0.4 });
  });

  test('a named tool choice and one call at a time are enforced by the API, in Chat Completions and Anthropic Messages', async () => {
    stack.fake.setHandler(weatherHandler);
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    // (`tool_choice: 'required'` is the live-session test's first turn, below.)
    const named = await sent(() =>
      stack.openai.chat.completions.create({
        model: 'sonnet',
        messages: [{ role: 'user', content: 'weather?' }],
        tools,
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        parallel_tool_calls: false,
      }),
    );
    expect(named).toMatchObject({ tool_choice: { type: 'tool', name: 'mcp__client__get_weather', disable_parallel_tool_use: true } });
    // Nothing of it is asked for in words any more.
    expect(systemText(named)).not.toMatch(/must call|at most one tool/);
    const anthropic = new Anthropic({ baseURL: stack.server.url, apiKey: 'unused', maxRetries: 0 });
    const any = await sent(() =>
      anthropic.messages.create({
        model: 'sonnet',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'weather?' }],
        tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
        tool_choice: { type: 'any' },
      }),
    );
    expect(any).toMatchObject({ tool_choice: { type: 'any' } });
  });

  test('a forced tool choice reaches the API with thinking off; a live session takes the next turn with its own: results sent with tool_choice auto continue it', async () => {
    stack.fake.setHandler(weatherHandler);
    stack.server.live.close();
    let choice: 'auto' | 'required' = 'required';
    const chat = DRIVERS.chat(stack, { toolChoice: () => choice });
    const forced = await sent(() => chat.say('What is the weather in Paris?'));
    // A forced tool choice is enforced by the API, with thinking off as it requires.
    expect(forced).toMatchObject({ tool_choice: { type: 'any' }, thinking: { type: 'disabled' } });
    choice = 'auto';
    const origins = { ...stack.server.runner.origins };
    const after = await sent(() => chat.results(['25C, sunny']));
    expect(stack.server.runner.origins.live).toBe(origins.live + 1);
    expect(after.tool_choice).toBeUndefined();
    expect(after.thinking).toEqual(forced.thinking === undefined ? undefined : { type: 'adaptive', display: 'updates' });
  });

  test('a field the model refuses is dropped for that model, named in the ignored header, and a forced tool choice is then asked for in words', async () => {
    // As current Claude models answer them.
    stack.fake.setHandler((request) => {
      if (request.body.temperature !== undefined) return refusal('`temperature` is deprecated for this model.');
      const choice = request.body.tool_choice as { type?: string } | undefined;
      if (choice?.type === 'any' || choice?.type === 'tool') return refusal('Forced tool use is not supported with this model; use tool_choice auto.');
      return weatherHandler(request);
    });
    const haiku = (extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>, content = 'hi') =>
      stack.openai.chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content }], ...extra }).withResponse();
    const first = await haiku({ temperature: 0.2 });
    expect(first.data.choices[0]!.message.content).toBe('Sure.');
    expect(first.response.headers.get('x-claude-code-bridge-ignored')).toContain('temperature');

    // Known from now on: the next request goes without it at once (none of its calls to Claude carries it), while
    // a forced tool choice, refused too, is then asked for in words.
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const calls = stack.fake.messageRequests.length;
    const forced = await haiku({ tools, tool_choice: 'required', temperature: 0.2 }, 'What is the weather?');
    expect(forced.data.choices[0]!.message.tool_calls).toHaveLength(1);
    const forcedCalls = stack.fake.messageRequests.slice(calls);
    expect(forcedCalls.length).toBeGreaterThan(0);
    expect(forcedCalls.filter((r) => r.body.temperature !== undefined)).toEqual([]);
    expect(forced.response.headers.get('x-claude-code-bridge-ignored')).toContain('temperature');
    expect(forced.response.headers.get('x-claude-code-bridge-ignored')).toContain('tool_choice');
    expect(stack.fake.lastRequest.body.tool_choice).toBeUndefined();
    expect(systemText(stack.fake.lastRequest.body)).toMatch(/In this reply you must call at least one of the available tools\.$/);
  });
});

function refusal(message: string): Reply {
  return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message } } };
}

describe('answers as Anthropic and OpenAI define them', () => {
  test('structured output that never arrives is a 502, not an empty answer', async () => {
    stack.fake.reply({ blocks: [{ type: 'text', text: 'No JSON from me.' }] });
    const err = await apiError(
      stack.openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'json please' }], response_format: { type: 'json_object' } }),
    );
    expect(err).toMatchObject({ status: 502, code: 'structured_output_failed' });
  });
});

describe('the prompt cache', () => {
  // Ten turns, some of them cold starts and one a restart of the bridge: slow on a loaded machine.
  test('a 10-turn agent conversation, cold turns included, reads at least 90% of its input from the cache', async () => {
    stack.fake.reset();
    stack.fake.promptCache = new PromptCache();
    try {
      stack.fake.setHandler(agentHandler);
      stack.server.live.close();
      const chat = DRIVERS.chat(stack, { system: AGENT_SYSTEM });
      const usage: CacheUsage[] = [];
      // Cold turns: a session that expired before tool results (3), and before questions (6, 8).
      for (const [i, turn] of agentTurns(chat).entries()) {
        if ([3, 6, 8].includes(i)) stack.server.live.close();
        const before = stack.fake.messageRequests.length;
        await turn();
        usage.push(...stack.fake.messageRequests.slice(before).map((r) => r.usage!));
      }
      expect(usage).toHaveLength(10);
      const share = cachedShare(usage.slice(1));
      expect(share, usage.map((u) => cachedShare([u]).toFixed(2)).join(' ')).toBeGreaterThanOrEqual(0.9);
    } finally {
      stack.fake.promptCache = undefined;
    }
  }, 180_000);
});

// Last in this file: it leaves the bridge without its extra body.
test('when Claude Code does not pass the extra body on (an organisation policy), the bridge falls back and says so', async () => {
  stack.fake.reset();
  // As if the stop sequences never reached the API: Claude writes past them.
  stack.fake.honourStopSequences = false;
  stack.fake.reply({ blocks: [{ type: 'text', text: ['one ', 'END two'] }] });
  const cut = await stack.openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'count' }], stop: 'END' });
  // The bridge still ends the answer at the stop sequence.
  expect(cut.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'one ' } });
  stack.fake.reset();
  const next = await stack.openai.chat.completions
    .create({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }], temperature: 0.4, stop: 'END' })
    .withResponse();
  expect(stack.fake.lastRequest.body.temperature).toBeUndefined();
  expect(stack.fake.lastRequest.body.stop_sequences).toBeUndefined();
  expect(next.response.headers.get('x-claude-code-bridge-ignored')).toBe('temperature');
});
