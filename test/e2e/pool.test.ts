import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { conversation, systemText, type MessagesBody } from '../support/fake-anthropic.js';
import { alive, waitForNoRuns } from '../support/processes.js';
import { parsePrometheus, valueOf } from '../support/prometheus.js';
import { plainRequest } from '../../src/core/types.js';
import { startStack, type Stack } from '../support/stack.js';
import { until } from '../support/wait.js';

// Two stacks, one after the other: the spare pool's, and one without a pool
// for the live sessions (with a pool, every first turn they ask would claim
// the spare and start its replacement). When the pool starts a process (its
// holds while a request starts cold or a tool loop goes on) is checked with
// stand-in starts in test/unit/spare-pool-policy.test.ts; /metrics in
// test/inmemory/metrics.test.ts.
let stack: Stack;
/** The stack of the describe that calls this, in `stack` while its tests run. */
function stackFor(flags: Record<string, string>, leavesProcesses: boolean) {
  beforeAll(async () => {
    stack = await startStack({ flags });
  });
  afterAll(async () => {
    const pids = stack.server.registry.list().map((e) => e.pid);
    if (leavesProcesses) expect(pids.length).toBeGreaterThan(0);
    await stack?.close();
    // No spare and no parked conversation survives the shutdown.
    expect(pids.filter(alive)).toEqual([]);
  });
}
beforeEach(async () => {
  stack.fake.reset();
  await waitForNoRuns(stack.server.registry);
});

const spareReady = () => until(() => stack.server.pool.stats().ready === 1);
const ask = (messages: OpenAI.ChatCompletionMessageParam[], extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) =>
  stack.openai.chat.completions.create({ model: 'sonnet', messages, ...extra });

/** Claude Code's stored login, as a `claude login` would leave it (a new mtime each time); returns its path. */
function changeLogin(mtimeAheadMs: number): string {
  const credentials = path.join(stack.home, '.claude', '.credentials.json');
  mkdirSync(path.dirname(credentials), { recursive: true });
  writeFileSync(credentials, '{}');
  utimesSync(credentials, new Date(), new Date(Date.now() + mtimeAheadMs));
  return credentials;
}

/** What Claude was sent, with the per-run working directory (and billing header) taken out. */
function comparable(body: MessagesBody) {
  const scrub = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/cc_version=[^;]+;/g, ''));
  return scrub({ model: body.model, system: body.system, messages: body.messages, tools: body.tools, thinking: body.thinking, output_config: body.output_config, max_tokens: body.max_tokens });
}

describe('warm spares', () => {
  stackFor({ poolSize: '1', liveSessions: '0' }, true);

  test('a first turn is served by a warm spare exactly as a cold start would serve it', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You are a pirate.' },
      { role: 'user', content: 'Ahoy' },
    ];
    await spareReady();
    const before = { ...stack.server.runner.origins };
    const warm = await ask(messages, { reasoning_effort: 'high' });
    expect(stack.server.runner.origins.spare).toBe(before.spare + 1);
    const warmSent = comparable(stack.fake.lastRequest.body);

    // The same request again, cold: no spare is ready right after a claim.
    stack.server.pool.discardAll();
    stack.fake.reset();
    const cold = await ask(messages, { reasoning_effort: 'high' });
    expect(stack.server.runner.origins.cold).toBe(before.cold + 1);
    expect(comparable(stack.fake.lastRequest.body)).toEqual(warmSent);
    expect(warm.choices[0]!.message.content).toBe(cold.choices[0]!.message.content);
    expect(warm.model).toBe(cold.model);
    expect(systemText(stack.fake.lastRequest.body)).toContain('You are a pirate.');
    expect(stack.fake.lastRequest.body.output_config).toMatchObject({ effort: 'high' });
    // /metrics counts the claims of the real spares, as a counter.
    const text = await (await fetch(`${stack.server.url}/metrics`)).text();
    expect(text).toContain('# TYPE bridge_pool_spares_claimed_total counter');
    expect(valueOf(parsePrometheus(text), 'bridge_pool_spares_claimed_total', {})).toBe(stack.server.pool.stats().claimed);
    expect(stack.server.pool.stats().claimed).toBeGreaterThan(0);
  });

  test('requests a spare cannot serve start cold (tools, limits, history)', async () => {
    await spareReady();
    const before = { ...stack.server.runner.origins };
    await ask([{ role: 'user', content: 'x' }], { max_tokens: 100 });
    await ask([{ role: 'user', content: 'x' }], {
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    });
    expect(stack.server.runner.origins.cold).toBe(before.cold + 2);
    expect(stack.server.runner.origins.spare).toBe(before.spare);
    expect(stack.server.pool.stats().ready).toBe(1);
  });

  test('a spare that cannot take the claim (it died) gives way to a cold start the client does not notice', async () => {
    await spareReady();
    const spare = stack.server.registry.list().find((e) => e.role === 'spare')!;
    const before = { ...stack.server.pool.stats() };
    const origins = { ...stack.server.runner.origins };
    // Killed, and claimed in the same tick, before the pool can notice the death.
    process.kill(spare.pid, 'SIGKILL');
    const handle = stack.server.runner.start({
      request: plainRequest([{ role: 'user', content: [{ type: 'text', text: 'still answered?' }] }]),

      sdkModel: 'haiku',
      signal: new AbortController().signal,
    });
    let text = '';
    for await (const event of handle.events) if (event.type === 'text') text += event.text;
    expect(text).toBe('Echo: still answered?');
    expect(stack.server.pool.stats().refused).toBe(before.refused + 1);
    expect(stack.server.runner.origins.cold).toBe(origins.cold + 1);
  });

  test('a changed login replaces the spares before they serve anyone', async () => {
    await spareReady();
    const credentials = changeLogin(60_000);
    const before = { ...stack.server.pool.stats() };
    const origins = { ...stack.server.runner.origins };
    await ask([{ role: 'user', content: 'after login change' }]);
    expect(stack.server.pool.stats().discarded).toBe(before.discarded + 1);
    expect(stack.server.runner.origins.cold).toBe(origins.cold + 1);
    rmSync(credentials);
  });

  test('a spare that no longer fits is replaced by the periodic sweep, with no request needed', async () => {
    await spareReady();
    const credentials = changeLogin(120_000);
    const before = { ...stack.server.pool.stats() };
    stack.server.pool.sweep();
    expect(stack.server.pool.stats()).toMatchObject({ discarded: before.discarded + 1, ready: 0, warming: 1 });
    await spareReady();
    rmSync(credentials);
    // Back to the login the spare started with: it fits no more, and goes too.
    stack.server.pool.sweep();
    expect(stack.server.pool.stats().discarded).toBe(before.discarded + 2);
    await spareReady();
  });

  test("every process ends with the bridge; a spare keeps Bun's timed garbage collection, which clears its start-up's garbage while it waits, and a cold start runs without it", async () => {
    const environOf = (role: string) => readFileSync(`/proc/${stack.server.registry.list().find((e) => e.role === role)!.pid}/environ`, 'utf8').split('\0');
    await spareReady();
    const spare = environOf('spare');
    expect(spare).toContain('BUN_FEATURE_FLAG_NO_ORPHANS=1');
    expect(spare.filter((v) => v.startsWith('BUN_GC_TIMER_DISABLE='))).toEqual([]);
    // An output limit: a request no spare serves, so it starts cold.
    const stream = await stack.openai.chat.completions.create({ model: 'sonnet', stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'cold' }] });
    let cold: string[] | undefined;
    for await (const _chunk of stream) cold ??= environOf('run');
    expect(cold).toContain('BUN_FEATURE_FLAG_NO_ORPHANS=1');
    expect(cold).toContain('BUN_GC_TIMER_DISABLE=1');
  });

  test("nothing of the runs is left in Claude Code's own folder: no transcripts, no parked spares", async () => {
    // This stack has run spares (claimed, died, discarded) and cold starts.
    await expectNothingLeft();
  });
});

describe('live sessions', () => {
  stackFor({ poolSize: '0', liveSessions: '1', liveSessionTtlMs: '30' }, false);

  test('the next turn of a conversation continues the process that answered the last one', async () => {
    stack.server.live.close();
    const first: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'first turn' }];
    const a1 = await ask(first);
    expect(stack.server.live.stats().parked).toBe(1);
    const origins = { ...stack.server.runner.origins };
    const second: OpenAI.ChatCompletionMessageParam[] = [...first, { role: 'assistant', content: a1.choices[0]!.message.content! }, { role: 'user', content: 'second turn' }];
    const a2 = await ask(second);
    expect(stack.server.runner.origins.live).toBe(origins.live + 1);
    expect(a2.choices[0]!.message.content).toBe('Echo: second turn');
    // Claude saw the real conversation.
    expect(conversation(stack.fake.lastRequest.body).map((t) => [t.role, t.content.filter((b) => b.type === 'text').map((b) => b.text).join('')])).toEqual([
      ['user', 'first turn'],
      ['assistant', 'Echo: first turn'],
      ['user', 'second turn'],
    ]);
    const third = await ask([...second, { role: 'assistant', content: a2.choices[0]!.message.content! }, { role: 'user', content: 'third turn' }]);
    expect(third.choices[0]!.message.content).toBe('Echo: third turn');
    expect(stack.server.runner.origins.live).toBe(origins.live + 2);
  });

  // That a continued turn sends Claude exactly what a cold start with the same history sends is checked for
  // every API in what-reaches-claude.test.ts ("the same conversation by every path").

  test('a turn that cannot continue the live session starts cold: a history that differs from what was answered, or one that asks for structured output', async () => {
    stack.server.live.close();
    const a1 = await ask([{ role: 'user', content: 'original' }]);
    const origins = { ...stack.server.runner.origins };
    const edited: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'original' },
      { role: 'assistant', content: `${a1.choices[0]!.message.content!} (edited)` },
      { role: 'user', content: 'next' },
    ];
    const a2 = await ask(edited);
    expect(stack.server.runner.origins.live).toBe(origins.live);
    // With the history the client sent.
    const turns = conversation(stack.fake.lastRequest.body);
    expect(turns[1]!.content[0]).toMatchObject({ text: 'Echo: original (edited)' });
    // That conversation's process is kept; its next turn asks for JSON, which Claude Code is started with.
    expect(stack.server.live.stats().parked).toBe(1);
    // JSON only when Claude Code offers its structured-output tool, as Claude would.
    stack.fake.setHandler((request) =>
      request.body.tools?.some((t) => t.name === 'StructuredOutput')
        ? { blocks: [{ type: 'tool_use', name: 'StructuredOutput', input: {}, chunks: ['{"answer": ', '"42"}'] }] }
        : { blocks: [{ type: 'text', text: 'no schema offered' }] },
    );
    const a3 = await ask([...edited, { role: 'assistant', content: a2.choices[0]!.message.content! }, { role: 'user', content: 'now as JSON' }], {
      response_format: { type: 'json_object' },
    });
    expect(stack.server.runner.origins.live).toBe(origins.live);
    expect(stack.server.runner.origins.cold).toBe(origins.cold + 2);
    expect(JSON.parse(a3.choices[0]!.message.content!)).toEqual({ answer: '42' });
  });

  test('the number of kept conversations is bounded, the oldest goes first', async () => {
    stack.server.live.close();
    // One kept (--live-sessions 1 on this stack).
    for (const q of ['one', 'two']) await ask([{ role: 'user', content: q }]);
    expect(stack.server.live.stats().parked).toBe(1);
    const origins = { ...stack.server.runner.origins };
    await ask([{ role: 'user', content: 'two' }, { role: 'assistant', content: 'Echo: two' }, { role: 'user', content: 'more' }]);
    expect(stack.server.runner.origins.live).toBe(origins.live + 1);
    await ask([{ role: 'user', content: 'one' }, { role: 'assistant', content: 'Echo: one' }, { role: 'user', content: 'more' }]);
    expect(stack.server.runner.origins.live).toBe(origins.live + 1);
    expect(stack.server.runner.origins.cold).toBe(origins.cold + 1);
  });

  test('an answer cut by the output limit is not continued; one that a stop sequence ended at Claude\'s API is', async () => {
    stack.server.live.close();
    stack.fake.reply({ blocks: [{ type: 'text', text: 'cut' }], stopReason: 'max_tokens' });
    await ask([{ role: 'user', content: 'y' }]);
    expect(stack.server.live.stats().parked).toBe(0);
    // Claude's API stopped before the stop sequence: Claude Code holds exactly what the client got.
    stack.fake.reply({ blocks: [{ type: 'text', text: ['Hello ', 'STOP here'] }] });
    const stopped = await ask([{ role: 'user', content: 'x' }], { stop: 'STOP' });
    expect(stopped.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Hello ' } });
    expect(stack.fake.lastRequest.body.stop_sequences).toEqual(['STOP']);
    expect(stack.server.live.stats().parked).toBe(1);
    const origins = { ...stack.server.runner.origins };
    stack.fake.reset();
    await ask([{ role: 'user', content: 'x' }, { role: 'assistant', content: 'Hello ' }, { role: 'user', content: 'go on' }], { stop: 'STOP' });
    expect(stack.server.runner.origins.live).toBe(origins.live + 1);
  });

  test("tool results continue Claude's turn in the same process, as the plain results of its calls", async () => {
    stack.server.live.close();
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ];
    stack.fake.replySequence([
      {
        blocks: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'toolu_P1', name: 'mcp__client__get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_R1', name: 'mcp__client__get_weather', input: { city: 'Rome' } },
        ],
      },
      { blocks: [{ type: 'text', text: 'Sunny in both.' }] },
    ]);
    const question: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris and Rome?' }];
    const first = await ask(question, { tools });
    const message = first.choices[0]!.message;
    expect(message.tool_calls).toHaveLength(2);
    expect(stack.server.live.stats().parked).toBe(1);
    const origins = { ...stack.server.runner.origins };
    const second = await ask(
      [
        ...question,
        { role: 'assistant', content: message.content, tool_calls: message.tool_calls },
        { role: 'tool', tool_call_id: message.tool_calls![0]!.id, content: '25C, sunny' },
        { role: 'tool', tool_call_id: message.tool_calls![1]!.id, content: '28C, sunny' },
      ],
      { tools },
    );
    expect(stack.server.runner.origins.live).toBe(origins.live + 1);
    expect(second.choices[0]!.message.content).toBe('Sunny in both.');
    expect(second.usage!.completion_tokens).toBe(12);
    const turns = conversation(stack.fake.lastRequest.body);
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    // Exactly the results, with no note of Claude Code's after them (cache markers aside).
    expect(turns[2]!.content.map(({ cache_control: _c, ...block }) => block)).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_P1', content: [{ type: 'text', text: '25C, sunny' }] },
      { type: 'tool_result', tool_use_id: 'toolu_R1', content: [{ type: 'text', text: '28C, sunny' }] },
    ]);
    expect(stack.fake.messageRequests).toHaveLength(2);
  });

  test("nothing of the runs is left in Claude Code's own folder: no transcripts", async () => {
    // This stack has run cold starts, resumed histories, live sessions and tool continuations.
    await expectNothingLeft();
  });
});

/** Nothing of the runs is left in Claude Code's own folder: no transcripts, no parked spares. */
async function expectNothingLeft(): Promise<void> {
  stack.server.live.close();
  const configDir = path.join(stack.home, '.claude');
  const { existsSync, readdirSync } = await import('node:fs');
  const leftovers = (name: string) => (existsSync(path.join(configDir, name)) ? readdirSync(path.join(configDir, name)) : []);
  // Only the bridge's own folders of projects: what it learned of Claude Code's notes, and this bridge's
  // transcripts, which are gone once the processes of the live sessions have ended.
  const transcripts = path.basename(stack.server.workspace.transcriptsDir);
  expect(leftovers('projects').filter((name) => name !== 'claude-code-bridge' && name !== transcripts)).toEqual([]);
  expect(leftovers('projects/claude-code-bridge').filter((name) => name !== 'preamble.json')).toEqual([]);
  for (const deadline = Date.now() + 10_000; leftovers(`projects/${transcripts}`).length > 0 && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(leftovers(`projects/${transcripts}`)).toEqual([]);
  // Spares, like every run, work under the work root, in the bridge's one working folder: nothing else is
  // there, and that folder is as empty as it started.
  expect(readdirSync(stack.workRoot)).toEqual([path.basename(stack.server.workspace.cwd)]);
  expect(readdirSync(stack.server.workspace.cwd)).toEqual([]);
}
