/**
 * The bridge's speed, measured against calling the Agent SDK directly, in one
 * interleaved run on this machine, offline (a fake Anthropic API on loopback
 * answers instantly, so what is measured is Claude Code and the bridge).
 *
 *   npm run bench            (BENCH_ROUNDS=n to change the number of rounds)
 *   BENCH_ONLY=tool-steps npm run bench   (or BENCH_ONLY=load, BENCH_ONLY=long-answer)
 *                            (one scenario alone, BENCH_ROUNDS loops: prints
 *                            its rows, writes nothing)
 *
 * Prints a table, writes bench/results.json and draws bench/chart.svg.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createSdkMcpServer,
  prewarm,
  query,
  startup,
  tool,
  type Options,
  type SDKMessage,
  type SDKUserMessage,
  type SessionStore,
  type SessionStoreEntry,
} from '@anthropic-ai/claude-agent-sdk';
import { z } from 'zod';
import { InputQueue } from '../src/claude/input-queue.js';
import { buildTranscript } from '../src/claude/transcript.js';
import { FakeAnthropic, lastUserText, type Handler } from '../test/support/fake-anthropic.js';
import { measureWhatReachesClaude, reachLines } from './what-reaches-claude.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
/** Scenarios that can run alone, so that one can be measured without loading the machine for long. */
const SCENARIOS = ['tool-steps', 'load', 'long-answer'] as const;
const ONLY = process.env.BENCH_ONLY as (typeof SCENARIOS)[number] | undefined;
if (ONLY !== undefined && !SCENARIOS.includes(ONLY)) throw new Error(`BENCH_ONLY must be one of: ${SCENARIOS.join(', ')}`);
const LONG_WORDS = 20_000;
const LONG_ROUNDS = Math.min(ROUNDS, 6);
const TOOL_STEPS = 10;
const TOOL_ROUNDS = Math.min(ROUNDS, 4);
const LOAD_CONVERSATIONS = 24;
const LOAD_CONCURRENCY = 3;
const LOAD_ROUNDS = 2;
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.join(root, 'bench');

// ---------------------------------------------------------------- set-up

const fake = new FakeAnthropic();
await fake.start();
const longAnswer = Array.from({ length: LONG_WORDS }, (_, i) => `w${i} `);
/** A tool loop: Claude calls the one tool offered until it has TOOL_STEPS results, each step with a few words first. */
function toolLoopReply(request: Parameters<Handler>[0]): ReturnType<Handler> {
  const results = request.body.messages.reduce(
    (n, m) => n + (typeof m.content === 'string' ? 0 : m.content.filter((b) => b.type === 'tool_result').length),
    0,
  );
  const name = (request.body.tools ?? []).map((t) => t.name).find((n) => n.startsWith('mcp__'))!;
  if (results >= TOOL_STEPS) return { blocks: [{ type: 'text', text: ['All', ' done', '.'] }] };
  return { blocks: [{ type: 'text', text: [`Step`, ` ${results + 1}`, '.'] }, { type: 'tool_use', id: `toolu_${randomUUID().replace(/-/g, '')}`, name, input: { step: results + 1 } }] };
}
const handler: Handler = (request) =>
  lastUserText(request.body).startsWith('LONG')
    ? { blocks: [{ type: 'text', text: longAnswer }] }
    : JSON.stringify(request.body.system ?? '').includes('TOOL LOOP')
      ? toolLoopReply(request)
      : { blocks: [{ type: 'text', text: ['The', ' answer', ' is', ' forty', '-two', '.'] }] };
fake.setHandler(handler);

const home = mkdtempSync(path.join(os.tmpdir(), 'ccb-bench-'));
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: home,
  CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
  ANTHROPIC_BASE_URL: fake.url,
  ANTHROPIC_API_KEY: 'sk-ant-bench',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
};
const SYSTEM = 'You are a helpful assistant.';
const TOOL_SYSTEM = 'TOOL LOOP. Call the tool until you are done.';
const MODEL = 'sonnet';

/** The options a careful direct SDK user would pass (the same the bridge uses). */
function directOptions(cwd: string): Options {
  return {
    cwd,
    env,
    tools: [],
    settingSources: [],
    strictMcpConfig: true,
    verbatimPrompts: true,
    permissionMode: 'default',
    includePartialMessages: true,
    persistSession: false,
    systemPrompt: '',
    extraArgs: { 'append-system-prompt': SYSTEM },
    model: MODEL,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Bridge {
  url: string;
  child: ChildProcess;
}

async function startBridge(extra: Record<string, string>): Promise<Bridge> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'dist/cli.js')], {
    env: { ...env, PORT: String(port), MAX_CONCURRENT: '8', ...extra },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  await fetch(`${url}/v1/models`); // waits for Claude Code's model list
  return { url, child };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- measuring

interface Sample {
  ttft: number;
  total: number;
}

function user(text: string): SDKUserMessage {
  return { type: 'user', message: { role: 'user', content: [{ type: 'text', text }] }, parent_tool_use_id: null };
}

async function* once(message: SDKUserMessage): AsyncGenerator<SDKUserMessage> {
  yield message;
}

/** Read SDK messages to the turn's result, timing the first text token. */
async function timeSdk(messages: AsyncIterable<SDKMessage>, started: number): Promise<Sample> {
  let ttft = NaN;
  for await (const m of messages) {
    if (Number.isNaN(ttft) && m.type === 'stream_event' && m.event.type === 'content_block_delta' && m.event.delta.type === 'text_delta') {
      ttft = performance.now() - started;
    }
    if (m.type === 'result') break;
  }
  return { ttft, total: performance.now() - started };
}

async function directCold(prompt: string): Promise<Sample> {
  const cwd = mkdtempSync(path.join(home, 'run-'));
  const started = performance.now();
  const q = query({ prompt: once(user(prompt)), options: directOptions(cwd) });
  try {
    return await timeSdk(q, started);
  } finally {
    q.close();
  }
}

async function directPrewarmed(): Promise<Sample> {
  const { cwd: _cwd, ...options } = directOptions('');
  const spare = await prewarm({ options: { ...options, extraArgs: {} } });
  await sleep(200);
  const cwd = mkdtempSync(path.join(home, 'run-'));
  const started = performance.now();
  const q = spare.claim({ prompt: once(user('Hello')), options: { cwd, model: MODEL, appendSystemPrompt: SYSTEM } });
  try {
    return await timeSdk(q, started);
  } finally {
    q.close();
  }
}

/** A read-only session store serving one transcript: how a direct SDK user resumes a conversation it keeps itself. */
function transcriptStore(sessionId: string, entries: SessionStoreEntry[]): SessionStore {
  return {
    async load(key) {
      return key.sessionId === sessionId && key.subpath === undefined ? entries : null;
    },
    async append() {},
    async listSubkeys() {
      return [];
    },
  };
}

/** A direct SDK user continuing a conversation: a new query that resumes the earlier turns. */
async function directResume(turns: string[]): Promise<Sample> {
  const cwd = mkdtempSync(path.join(home, 'run-'));
  const sessionId = randomUUID();
  const history = turns.slice(0, -1).map((text, i) =>
    i % 2 === 0 ? { role: 'user' as const, content: [{ type: 'text' as const, text }] } : { role: 'assistant' as const, content: [{ type: 'text' as const, text }] },
  );
  const entries = buildTranscript(history, { sessionId, cwd, version: 'bench' });
  const { persistSession: _p, ...options } = directOptions(cwd);
  const started = performance.now();
  const q = query({
    prompt: once(user(turns.at(-1)!)),
    options: { ...options, resume: sessionId, sessionStore: transcriptStore(sessionId, entries) },
  });
  try {
    return await timeSdk(q, started);
  } finally {
    q.close();
  }
}

interface ChatCall {
  id: string;
  name: string;
  arguments: string;
}

/** One streamed chat completion through a bridge, timing the first content chunk from `started`. */
async function streamChat(bridge: Bridge, body: Record<string, unknown>, started = performance.now()): Promise<Sample & { text: string; calls: ChatCall[] }> {
  const res = await fetch(`${bridge.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, stream: true, ...body }),
  });
  if (!res.ok || !res.body) throw new Error(`bridge answered ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let ttft = NaN;
  let buffer = '';
  let text = '';
  const calls: ChatCall[] = [];
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.replace(/^data: /, '');
      if (data === '[DONE]' || data.startsWith(':')) continue;
      type Delta = { content?: string; tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }> };
      const parsed = JSON.parse(data) as { choices?: Array<{ delta: Delta }> };
      if (!parsed.choices) throw new Error(`the bridge sent ${data}`);
      const delta = parsed.choices[0]?.delta;
      if (delta?.content) {
        if (Number.isNaN(ttft)) ttft = performance.now() - started;
        text += delta.content;
      }
      for (const call of delta?.tool_calls ?? []) {
        const known = (calls[call.index] ??= { id: '', name: '', arguments: '' });
        known.id ||= call.id ?? '';
        known.name ||= call.function?.name ?? '';
        known.arguments += call.function?.arguments ?? '';
      }
    }
  }
  return { ttft, total: performance.now() - started, text, calls };
}

/** One streamed request through a bridge, timing the first content chunk. */
async function viaBridge(bridge: Bridge, messages: Array<{ role: string; content: string }>, system = SYSTEM, started?: number): Promise<Sample & { text: string }> {
  return streamChat(bridge, { messages: [{ role: 'system', content: system }, ...messages] }, started);
}

/** A bridge's Prometheus figures, by metric name and labels as written (`name{role="spare"}`). */
async function metricsOf(bridge: Bridge): Promise<Map<string, number>> {
  const text = await (await fetch(`${bridge.url}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

/**
 * Wait for the bridge's spare, and for its pre-started sessions to be up
 * (at least `prestarted`, no process of either kind still starting), then as
 * long as the direct prewarmed variant lets its spare settle.
 */
async function spareReady(bridge: Bridge, prestarted = 0): Promise<void> {
  // Settled: nothing starting for half a second in a row (the pre-started
  // sessions start one after another, with a moment between two starts).
  let settled = 0;
  for (let i = 0; i < 600 && settled < 10; i++) {
    const m = await metricsOf(bridge);
    const starting =
      (m.get('bridge_claude_processes{role="prestarted"}') ?? 0) -
      (m.get('bridge_prestarted_sessions_ready') ?? 0) +
      (m.get('bridge_claude_processes{role="spare"}') ?? 0) -
      (m.get('bridge_pool_spares_ready') ?? 0);
    const ready = m.get('bridge_pool_spares_ready') === 1 && starting === 0 && (m.get('bridge_prestarted_sessions_ready') ?? 0) >= prestarted;
    settled = ready ? settled + 1 : 0;
    await sleep(50);
  }
  await sleep(200);
}

/** A 10-step tool loop through a bridge: for each step, the time from posting the tool results to the next step's first token. */
async function bridgeToolLoop(bridge: Bridge): Promise<number[]> {
  const tools = [{ type: 'function', function: { name: 'next', description: 'Take the next step', parameters: { type: 'object', properties: { step: { type: 'number' } } } } }];
  const messages: Array<Record<string, unknown>> = [
    { role: 'system', content: TOOL_SYSTEM },
    { role: 'user', content: `Go (${randomUUID()})` },
  ];
  let answer = await streamChat(bridge, { messages, tools });
  const steps: number[] = [];
  while (answer.calls.length > 0) {
    messages.push({
      role: 'assistant',
      content: answer.text || null,
      tool_calls: answer.calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
    });
    for (const call of answer.calls) messages.push({ role: 'tool', tool_call_id: call.id, content: 'ok' });
    answer = await streamChat(bridge, { messages, tools });
    steps.push(answer.ttft);
  }
  return steps;
}

/** The same loop directly: one query whose tool is an in-process MCP tool that answers at once; timed from its answer. */
async function directToolLoop(): Promise<number[]> {
  const cwd = mkdtempSync(path.join(home, 'run-'));
  let answeredAt = 0;
  const server = createSdkMcpServer({
    name: 'bench',
    tools: [
      tool('next', 'Take the next step', { step: z.number().optional() }, async () => {
        answeredAt = performance.now();
        return { content: [{ type: 'text', text: 'ok' }] };
      }),
    ],
  });
  const input = new InputQueue();
  input.push(user(`Go (${randomUUID()})`));
  const q = query({
    prompt: input,
    options: { ...directOptions(cwd), extraArgs: { 'append-system-prompt': TOOL_SYSTEM }, mcpServers: { bench: server }, allowedTools: ['mcp__bench__next'] },
  });
  const steps: number[] = [];
  try {
    for await (const m of q) {
      if (answeredAt && m.type === 'stream_event' && m.event.type === 'content_block_delta' && m.event.delta.type === 'text_delta') {
        steps.push(performance.now() - answeredAt);
        answeredAt = 0;
      }
      if (m.type === 'result') break;
    }
  } finally {
    input.close();
    q.close();
  }
  return steps;
}

interface LoadRun {
  samples: Sample[];
  total: number;
  bridgeRssPeakMiB?: number;
  processesPeak?: number;
  processesAfterDrain?: number;
}

/**
 * LOAD_CONVERSATIONS new conversations asked for at once from a bridge that
 * runs LOAD_CONCURRENCY at a time; first tokens counted from that moment.
 * Samples the bridge's own memory (without its children) and how many
 * Claude Code processes it has.
 */
async function bridgeLoad(bridge: Bridge): Promise<LoadRun> {
  await spareReady(bridge, 2);
  const pid = bridge.child.pid!;
  let rss = 0;
  let processes = 0;
  const sampler = setInterval(() => {
    rss = Math.max(rss, rssOf(pid));
    processes = Math.max(processes, children(pid).length);
  }, 50);
  const started = performance.now();
  const samples = await Promise.all(Array.from({ length: LOAD_CONVERSATIONS }, (_, i) => viaBridge(bridge, [{ role: 'user', content: `Task ${i} (${randomUUID()})` }], SYSTEM, started)));
  const total = performance.now() - started;
  clearInterval(sampler);
  // Drained: the runs are over and what the bridge keeps ready is up again.
  await spareReady(bridge, 2);
  return { samples, total, bridgeRssPeakMiB: rss / 1024 ** 2, processesPeak: processes, processesAfterDrain: children(pid).length };
}

/** The same conversations as direct cold `query()` calls, LOAD_CONCURRENCY at a time. */
async function directLoad(): Promise<LoadRun> {
  const started = performance.now();
  const samples: Sample[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < LOAD_CONVERSATIONS) {
      const i = next++;
      const cwd = mkdtempSync(path.join(home, 'run-'));
      const q = query({ prompt: once(user(`Task ${i}`)), options: directOptions(cwd) });
      try {
        samples.push(await timeSdk(q, started));
      } finally {
        q.close();
      }
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
  return { samples, total: performance.now() - started };
}

/**
 * A Claude Code process up and waiting (as a pre-started one is), started
 * with extra environment: its resident memory after it settled, and how long
 * its first answer took. For settings that might make it lighter.
 */
async function idleProcess(extraEnv: Record<string, string>): Promise<{ rssMiB: number; firstAnswerMs: number }> {
  const cwd = mkdtempSync(path.join(home, 'run-'));
  let pid = 0;
  const options: Options = {
    ...directOptions(cwd),
    env: { ...env, ...extraEnv },
    spawnClaudeCodeProcess: (o) => {
      const child = spawn(o.command, o.args, { cwd: o.cwd, env: o.env, stdio: ['pipe', 'pipe', 'pipe'] });
      pid = child.pid!;
      return child;
    },
  };
  const warm = await startup({ options });
  await sleep(2_000);
  const rssMiB = rssOf(pid) / 1024 ** 2;
  const started = performance.now();
  const q = warm.query(once(user('Hello')));
  try {
    return { rssMiB, firstAnswerMs: (await timeSdk(q, started)).total };
  } finally {
    q.close();
  }
}

// ---------------------------------------------------------------- memory

const peaks = { bridge: 0, children: 0 };

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function descendants(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry), ...descendants(Number(entry)));
    } catch {
      // gone
    }
  }
  return children;
}

/** A process's own children (the bridge's are its Claude Code processes). */
function children(pid: number): number[] {
  return readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    } catch {
      return false;
    }
  }).map(Number);
}

function sampleMemory(pid: number): NodeJS.Timeout {
  return setInterval(() => {
    peaks.bridge = Math.max(peaks.bridge, rssOf(pid));
    peaks.children = Math.max(peaks.children, descendants(pid).reduce((sum, p) => sum + rssOf(p), 0));
  }, 100);
}

// ---------------------------------------------------------------- statistics

function percentile(values: number[], p: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, at)]!;
}

interface Stat {
  ttftMedian: number;
  ttftP95: number;
  totalMedian: number;
  totalP95: number;
  n: number;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

function stat(samples: Sample[]): Stat {
  return {
    ttftMedian: percentile(samples.map((s) => s.ttft), 50),
    ttftP95: percentile(samples.map((s) => s.ttft), 95),
    totalMedian: percentile(samples.map((s) => s.total), 50),
    totalP95: percentile(samples.map((s) => s.total), 95),
    n: samples.length,
  };
}

/** Tool steps: `rounds` 10-step loops through the bridge (each step a live session's waiting tool call) and directly, interleaved. */
async function measureToolSteps(bridge: Bridge, rounds: number): Promise<{ bridge: Sample[]; direct: Sample[] }> {
  const steps = { bridge: [] as Sample[], direct: [] as Sample[] };
  for (let round = 0; round < rounds; round++) {
    const viaBridge = async (): Promise<void> => void steps.bridge.push(...(await bridgeToolLoop(bridge)).map((ttft) => ({ ttft, total: ttft })));
    const direct = async (): Promise<void> => void steps.direct.push(...(await directToolLoop()).map((ttft) => ({ ttft, total: ttft })));
    await spareReady(bridge, 2);
    for (const step of round % 2 === 0 ? [direct, viaBridge] : [viaBridge, direct]) await step();
    console.error(`  tool loop ${round + 1} done`);
  }
  return steps;
}

/**
 * Under load: a bridge with its default settings but --max-concurrent 3,
 * against direct calls 3 at a time, `rounds` times each, alternating which
 * goes first. (A queue timeout long enough for the last of the 24 on a
 * loaded machine: the default 60 s would refuse them.)
 */
async function measureLoad(rounds: number): Promise<{ loaded: Bridge; bridge: LoadRun[]; direct: LoadRun[] }> {
  const loaded = await startBridge({ MAX_CONCURRENT: String(LOAD_CONCURRENCY), BRIDGE_QUEUE_TIMEOUT: '600' });
  // An agent's conversations: its configuration is known from the first.
  await viaBridge(loaded, [{ role: 'user', content: 'First' }]);
  const load = { loaded, bridge: [] as LoadRun[], direct: [] as LoadRun[] };
  for (let round = 0; round < rounds; round++) {
    const bridge = async (): Promise<void> => void load.bridge.push(await bridgeLoad(loaded));
    const direct = async (): Promise<void> => void load.direct.push(await directLoad());
    for (const step of round % 2 === 0 ? [bridge, direct] : [direct, bridge]) await step();
    console.error(`  load round ${round + 1} done`);
  }
  return load;
}

/**
 * One 20,000-word answer each way, which goes first alternating with the
 * round: a direct cold query, and through a bridge that keeps nothing warm
 * (so both start Claude Code cold). With `cpu`, the bridge's own CPU time for
 * its answer is noted too.
 */
async function longAnswerRound(bridge: Bridge, round: number, long: { direct: Sample[]; bridge: Sample[] }, cpu?: number[]): Promise<void> {
  const direct = async (): Promise<void> => {
    const cwd = mkdtempSync(path.join(home, 'run-'));
    const started = performance.now();
    const q = query({ prompt: once(user('LONG')), options: directOptions(cwd) });
    long.direct.push(await timeSdk(q, started));
    q.close();
  };
  const through = async (): Promise<void> => {
    const before = cpuMs(bridge.child.pid!);
    long.bridge.push(await viaBridge(bridge, [{ role: 'user', content: 'LONG answer please' }]));
    cpu?.push(cpuMs(bridge.child.pid!) - before);
  };
  for (const step of round % 2 === 0 ? [direct, through] : [through, direct]) await step();
}

/** A process's CPU time so far (user and system), in milliseconds, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

// ---------------------------------------------------------------- the run

const pooled = await startBridge({ BRIDGE_POOL_SIZE: '1', BRIDGE_LIVE_SESSIONS: '8' });
if (ONLY === 'tool-steps') {
  const rounds = Number(process.env.BENCH_ROUNDS ?? TOOL_ROUNDS);
  const steps = await measureToolSteps(pooled, rounds);
  const [b, d] = [stat(steps.bridge), stat(steps.direct)];
  console.log(`tool step, ${rounds} loops of ${TOOL_STEPS} (ms): direct median ${d.ttftMedian.toFixed(0)}, p95 ${d.ttftP95.toFixed(0)}; bridge median ${b.ttftMedian.toFixed(0)}, p95 ${b.ttftP95.toFixed(0)}; bridge/direct ${(b.ttftMedian / d.ttftMedian).toFixed(2)} (target ≤ 1.2)`);
  pooled.child.kill('SIGTERM');
  await new Promise((r) => pooled.child.once('exit', r));
  await fake.stop();
  rmSync(home, { recursive: true, force: true });
  process.exit(0);
}
if (ONLY === 'load') {
  const rounds = Number(process.env.BENCH_ROUNDS ?? LOAD_ROUNDS);
  const load = await measureLoad(rounds);
  const [b, d] = [stat(load.bridge.flatMap((r) => r.samples)), stat(load.direct.flatMap((r) => r.samples))];
  const [bt, dt] = [median(load.bridge.map((r) => r.total)), median(load.direct.map((r) => r.total))];
  console.log(
    `load, ${rounds} rounds of ${LOAD_CONVERSATIONS}, ${LOAD_CONCURRENCY} at a time (ms): whole run direct ${dt.toFixed(0)}, bridge ${bt.toFixed(0)} (${(bt / dt).toFixed(2)}, target ≤ 1.05); ` +
      `p95 first token direct ${d.ttftP95.toFixed(0)}, bridge ${b.ttftP95.toFixed(0)} (${(b.ttftP95 / d.ttftP95).toFixed(2)}, target ≤ 1)`,
  );
  for (const bridge of [pooled, load.loaded]) {
    bridge.child.kill('SIGTERM');
    await new Promise((r) => bridge.child.once('exit', r));
  }
  await fake.stop();
  rmSync(home, { recursive: true, force: true });
  process.exit(0);
}
if (ONLY === 'long-answer') {
  const rounds = Number(process.env.BENCH_ROUNDS ?? LONG_ROUNDS);
  const bridge = await startBridge({ BRIDGE_POOL_SIZE: '0', BRIDGE_LIVE_SESSIONS: '0', BRIDGE_PRESTART_MEMORY: '0' });
  const long = { direct: [] as Sample[], bridge: [] as Sample[] };
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round++) await longAnswerRound(bridge, round, long, cpu);
  const [b, d] = [stat(long.bridge), stat(long.direct)];
  console.log(
    `long answer (${LONG_WORDS} words), ${rounds} each (ms): total direct ${d.totalMedian.toFixed(0)}, bridge ${b.totalMedian.toFixed(0)} ` +
      `(${(b.totalMedian / d.totalMedian).toFixed(2)}, target ≤ 1.1); the bridge's own CPU per answer ${median(cpu).toFixed(0)}`,
  );
  for (const started of [pooled, bridge]) {
    started.child.kill('SIGTERM');
    await new Promise((r) => started.child.once('exit', r));
  }
  await fake.stop();
  rmSync(home, { recursive: true, force: true });
  process.exit(0);
}
const unpooled = await startBridge({ BRIDGE_POOL_SIZE: '0', BRIDGE_LIVE_SESSIONS: '0', BRIDGE_PRESTART_MEMORY: '0' });
const memory = sampleMemory(pooled.child.pid!);

const first = {
  directCold: [] as Sample[],
  directPrewarmed: [] as Sample[],
  bridgePool: [] as Sample[],
  bridgeSeen: [] as Sample[],
  bridgeNoPool: [] as Sample[],
};
const continued = { bridge2: [] as Sample[], bridge3: [] as Sample[], direct2: [] as Sample[], direct3: [] as Sample[] };
const long = { direct: [] as Sample[], bridge: [] as Sample[] };

console.error(`benchmark: ${ROUNDS} interleaved rounds`);
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order so no variant always runs first (or last) in a round.
  const steps: Array<() => Promise<void>> = [
    async () => void first.directCold.push(await directCold('Hello')),
    async () => void first.directPrewarmed.push(await directPrewarmed()),
    async () => {
      // A configuration never seen: a system prompt of its own; a warm spare serves it.
      await spareReady(pooled, 2);
      first.bridgePool.push(await viaBridge(pooled, [{ role: 'user', content: 'Hello' }], `${SYSTEM} (Round ${round}.)`));
    },
    async () => {
      // A configuration seen before (the conversations of every round have it): served by a process started for it.
      await spareReady(pooled, 2);
      first.bridgeSeen.push(await viaBridge(pooled, [{ role: 'user', content: `Hello ${round}` }]));
    },
    async () => void first.bridgeNoPool.push(await viaBridge(unpooled, [{ role: 'user', content: 'Hello' }])),
    async () => {
      // A conversation of three turns through the bridge (its process is kept between turns)…
      const t1 = await viaBridge(pooled, [{ role: 'user', content: `Question ${round}` }]);
      const h2 = [{ role: 'user', content: `Question ${round}` }, { role: 'assistant', content: t1.text }, { role: 'user', content: 'And then?' }];
      const t2 = await viaBridge(pooled, h2);
      continued.bridge2.push(t2);
      continued.bridge3.push(await viaBridge(pooled, [...h2, { role: 'assistant', content: t2.text }, { role: 'user', content: 'Finally?' }]));
      // …and the same turns directly, each a new query resuming the earlier ones.
      continued.direct2.push(await directResume([`Question ${round}`, t1.text, 'And then?']));
      continued.direct3.push(await directResume([`Question ${round}`, t1.text, 'And then?', t2.text, 'Finally?']));
    },
  ];
  for (let i = 0; i < steps.length; i++) await steps[(i + round) % steps.length]!();
  if (round < LONG_ROUNDS) await longAnswerRound(unpooled, round, long);
  console.error(`  round ${round + 1} done`);
}

const toolSteps = await measureToolSteps(pooled, TOOL_ROUNDS);

const concurrency: Record<string, { bridge: Stat; direct: Stat }> = {};
for (const n of [1, 4, 8]) {
  const bridge: Sample[] = [];
  const direct: Sample[] = [];
  for (let r = 0; r < 3; r++) {
    await spareReady(pooled);
    bridge.push(...(await Promise.all(Array.from({ length: n }, (_, i) => viaBridge(pooled, [{ role: 'user', content: `Parallel ${r}-${i}` }])))));
    direct.push(...(await Promise.all(Array.from({ length: n }, () => directCold('Parallel')))));
  }
  concurrency[String(n)] = { bridge: stat(bridge), direct: stat(direct) };
}
clearInterval(memory);

const { loaded, ...load } = await measureLoad(LOAD_ROUNDS);

// Memory per conversation: what each kind of waiting process holds, on that bridge once drained.
const perProcess = await (async () => {
  const m = await metricsOf(loaded);
  const each = (role: string) => (m.get(`bridge_claude_process_resident_bytes{role="${role}"}`) ?? 0) / Math.max(1, m.get(`bridge_claude_processes{role="${role}"}`) ?? 0) / 1024 ** 2;
  const count = (role: string) => m.get(`bridge_claude_processes{role="${role}"}`) ?? 0;
  return {
    liveSessionMiB: each('session'),
    spareMiB: each('spare'),
    prestartedMiB: each('prestarted'),
    counts: { session: count('session'), spare: count('spare'), prestarted: count('prestarted') },
    bridgeMiB: rssOf(loaded.child.pid!) / 1024 ** 2,
  };
})();

// Settings that might make a waiting Claude Code process lighter without changing what it sends.
const lighter: Record<string, Array<{ rssMiB: number; firstAnswerMs: number }>> = { none: [], 'BUN_OPTIONS=--smol': [], 'BUN_JSC_useJIT=0': [] };
const lighterEnv: Record<string, Record<string, string>> = { none: {}, 'BUN_OPTIONS=--smol': { BUN_OPTIONS: '--smol' }, 'BUN_JSC_useJIT=0': { BUN_JSC_useJIT: '0' } };
for (let r = 0; r < 2; r++) for (const name of Object.keys(lighter)) lighter[name]!.push(await idleProcess(lighterEnv[name]!));

// What the bridge itself does per request besides relaying: measured here so
// that what is worth caching is decided by figures.
const bookkeeping = await (async () => {
  const { resolveConfig } = await import('../src/config.js');
  const { Workspace } = await import('../src/claude/workspace.js');
  const { resolveModelName, FALLBACK_MODELS } = await import('../src/core/model-names.js');
  const workspace = new Workspace(resolveConfig({ workRoot: home }, env).workRoot, env);
  const turns = Array.from({ length: 10 }, (_, i) => ({
    role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content: [{ type: 'text' as const, text: `Turn ${i}: ${'words '.repeat(100)}` }],
  }));
  const n = 500;
  let started = performance.now();
  for (let i = 0; i < n; i++) {
    const sessionId = randomUUID();
    workspace.writeTranscript(sessionId, buildTranscript(turns as never, { sessionId, cwd: workspace.cwd, version: 'bench' }));
    workspace.removeTranscript(sessionId);
  }
  const workDirUs = ((performance.now() - started) * 1000) / n;
  started = performance.now();
  for (let i = 0; i < n * 20; i++) resolveModelName('claude-3-5-sonnet-20241022', FALLBACK_MODELS);
  const modelUs = ((performance.now() - started) * 1000) / (n * 20);
  return { transcriptWriteAndRemoveUs: workDirUs, modelResolutionUs: modelUs };
})();

// What reaches Claude: the prompt cache's share, and what the client did not send (after the timings, on its own bridge).
const reach = await measureWhatReachesClaude({
  PATH: env.PATH!,
  ANTHROPIC_API_KEY: env.ANTHROPIC_API_KEY!,
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
});

// ---------------------------------------------------------------- report

const results = {
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    agentSdk: (JSON.parse(readFileSync(path.join(root, 'node_modules/@anthropic-ai/claude-agent-sdk/package.json'), 'utf8')) as { version: string }).version,
    claudeCode: (await (await fetch(`${pooled.url}/health`)).json() as { claude_code: { version: string } }).claude_code.version,
    date: new Date().toISOString(),
    rounds: ROUNDS,
  },
  firstTurn: {
    directCold: stat(first.directCold),
    directPrewarmed: stat(first.directPrewarmed),
    bridgePool: stat(first.bridgePool),
    bridgeSeen: stat(first.bridgeSeen),
    bridgeNoPool: stat(first.bridgeNoPool),
  },
  continuedTurns: {
    bridgeTurn2: stat(continued.bridge2),
    bridgeTurn3: stat(continued.bridge3),
    directResumeTurn2: stat(continued.direct2),
    directResumeTurn3: stat(continued.direct3),
  },
  longAnswer: { words: LONG_WORDS, direct: stat(long.direct), bridge: stat(long.bridge) },
  toolStep: { steps: TOOL_STEPS, loops: TOOL_ROUNDS, bridge: stat(toolSteps.bridge), direct: stat(toolSteps.direct) },
  load: {
    conversations: LOAD_CONVERSATIONS,
    concurrency: LOAD_CONCURRENCY,
    rounds: LOAD_ROUNDS,
    bridge: { ...stat(load.bridge.flatMap((r) => r.samples)), runTotalMedian: median(load.bridge.map((r) => r.total)) },
    direct: { ...stat(load.direct.flatMap((r) => r.samples)), runTotalMedian: median(load.direct.map((r) => r.total)) },
    bridgeRssPeakMiB: Math.max(...load.bridge.map((r) => r.bridgeRssPeakMiB!)),
    claudeProcessesPeak: Math.max(...load.bridge.map((r) => r.processesPeak!)),
    claudeProcessesAfterDrain: load.bridge.at(-1)!.processesAfterDrain!,
  },
  memoryPerConversation: {
    ...perProcess,
    // With the defaults: one spare, the pre-started sessions the budget holds, three live conversations.
    conversationsOn24GiB: Math.floor((24 * 1024 - perProcess.bridgeMiB) / Math.max(1, perProcess.liveSessionMiB)),
  },
  lighterProcess: Object.fromEntries(
    Object.entries(lighter).map(([name, runs]) => [name, { rssMiB: median(runs.map((r) => r.rssMiB)), firstAnswerMs: median(runs.map((r) => r.firstAnswerMs)) }]),
  ),
  concurrency,
  memory: { bridgeRssPeakMiB: peaks.bridge / 1024 ** 2, childrenRssPeakMiB: peaks.children / 1024 ** 2 },
  bookkeeping,
  whatReachesClaude: reach,
};

const f = results.firstTurn;
const c = results.continuedTurns;
const ratios = {
  firstTurnTtftVsDirectCold: f.bridgePool.ttftMedian / f.directCold.ttftMedian,
  firstTurnTtftVsDirectPrewarmed: f.bridgePool.ttftMedian / f.directPrewarmed.ttftMedian,
  seenConfigurationTtftVsDirectPrewarmed: f.bridgeSeen.ttftMedian / f.directPrewarmed.ttftMedian,
  toolStepVsDirect: results.toolStep.bridge.ttftMedian / results.toolStep.direct.ttftMedian,
  loadTotalVsDirect: results.load.bridge.runTotalMedian / results.load.direct.runTotalMedian,
  loadTtftP95VsDirect: results.load.bridge.ttftP95 / results.load.direct.ttftP95,
  turn2TtftVsDirectResume: c.bridgeTurn2.ttftMedian / c.directResumeTurn2.ttftMedian,
  turn2TtftVsDirectPrewarmed: c.bridgeTurn2.ttftMedian / f.directPrewarmed.ttftMedian,
  turn3TtftVsDirectResume: c.bridgeTurn3.ttftMedian / c.directResumeTurn3.ttftMedian,
  turn3TtftVsDirectPrewarmed: c.bridgeTurn3.ttftMedian / f.directPrewarmed.ttftMedian,
  longAnswerTotalVsDirect: results.longAnswer.bridge.totalMedian / results.longAnswer.direct.totalMedian,
};
// The issue's targets: first and continued turns alike, against a direct cold
// call (or resume) and against a direct prewarmed claim.
const limits: Record<keyof typeof ratios, number> = {
  firstTurnTtftVsDirectCold: 0.5,
  firstTurnTtftVsDirectPrewarmed: 1.15,
  seenConfigurationTtftVsDirectPrewarmed: 0.5,
  toolStepVsDirect: 1.2,
  loadTotalVsDirect: 1.05,
  loadTtftP95VsDirect: 1,
  turn2TtftVsDirectResume: 0.5,
  turn2TtftVsDirectPrewarmed: 1.15,
  turn3TtftVsDirectResume: 0.5,
  turn3TtftVsDirectPrewarmed: 1.15,
  longAnswerTotalVsDirect: 1.1,
};
const targets = {
  ...(Object.fromEntries(
    Object.entries(limits).map(([k, target]) => [k, { target, met: ratios[k as keyof typeof ratios] <= target }]),
  ) as Record<keyof typeof ratios, { target: number; met: boolean }>),
  bridgeRss: { target: 150, met: results.memory.bridgeRssPeakMiB <= 150 },
  bridgeRssUnderLoad: { target: 150, met: results.load.bridgeRssPeakMiB <= 150 },
  cachedShare: { target: 0.9, met: reach.cachedShare.bridge >= 0.9 },
};
writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify({ ...results, ratios, targets }, null, 2)}\n`);

const ms = (v: number) => (Number.isNaN(v) ? '   -' : `${Math.round(v)}`.padStart(6));
const row = (name: string, s: Stat) => `${name.padEnd(34)} ${ms(s.ttftMedian)} ${ms(s.ttftP95)} ${ms(s.totalMedian)} ${ms(s.totalP95)}   ${s.n}`;
const lines = [
  `Machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}, Agent SDK ${results.machine.agentSdk}, Claude Code ${results.machine.claudeCode}`,
  '',
  `${'milliseconds'.padEnd(34)} ${'TTFT'.padStart(6)} ${'p95'.padStart(6)} ${'total'.padStart(6)} ${'p95'.padStart(6)}   n`,
  row('first turn: direct cold query()', f.directCold),
  row('first turn: direct prewarmed claim', f.directPrewarmed),
  row('first turn: bridge, warm pool', f.bridgePool),
  row('first turn, config seen: bridge', f.bridgeSeen),
  row('first turn: bridge, no pool', f.bridgeNoPool),
  row('turn 2: bridge (live session)', c.bridgeTurn2),
  row('turn 2: direct resume', c.directResumeTurn2),
  row('turn 3: bridge (live session)', c.bridgeTurn3),
  row('turn 3: direct resume', c.directResumeTurn3),
  row(`long answer (${LONG_WORDS} words): direct`, results.longAnswer.direct),
  row(`long answer (${LONG_WORDS} words): bridge`, results.longAnswer.bridge),
  row('tool step: direct (in-process MCP)', results.toolStep.direct),
  row('tool step: bridge (live session)', results.toolStep.bridge),
  row(`load ${LOAD_CONVERSATIONS}×, ${LOAD_CONCURRENCY} at a time: direct`, results.load.direct),
  row(`load ${LOAD_CONVERSATIONS}×, ${LOAD_CONCURRENCY} at a time: bridge`, results.load.bridge),
  ...[1, 4, 8].flatMap((n) => [row(`${n} concurrent: bridge`, concurrency[String(n)]!.bridge), row(`${n} concurrent: direct cold`, concurrency[String(n)]!.direct)]),
  '',
  `peak RSS: bridge ${results.memory.bridgeRssPeakMiB.toFixed(0)} MiB, its Claude Code processes ${results.memory.childrenRssPeakMiB.toFixed(0)} MiB`,
  `load: whole run ${Math.round(results.load.bridge.runTotalMedian)} ms through the bridge, ${Math.round(results.load.direct.runTotalMedian)} ms direct (medians of ${LOAD_ROUNDS}); bridge RSS peak ${results.load.bridgeRssPeakMiB.toFixed(0)} MiB; Claude Code processes ${results.load.claudeProcessesPeak} at the peak, ${results.load.claudeProcessesAfterDrain} after the drain`,
  `memory: an idle live session ${perProcess.liveSessionMiB.toFixed(0)} MiB, a spare ${perProcess.spareMiB.toFixed(0)} MiB, a pre-started session ${perProcess.prestartedMiB.toFixed(0)} MiB (resident, each); the bridge ${perProcess.bridgeMiB.toFixed(0)} MiB; 24 GiB holds about ${results.memoryPerConversation.conversationsOn24GiB} idle live sessions`,
  `lighter process? ${Object.entries(results.lighterProcess).map(([k, v]) => `${k}: ${v.rssMiB.toFixed(0)} MiB, first answer ${v.firstAnswerMs.toFixed(0)} ms`).join('; ')}`,
  `per request: a cold turn's 10-turn transcript ${bookkeeping.transcriptWriteAndRemoveUs.toFixed(0)} µs (written and removed), model name resolution ${bookkeeping.modelResolutionUs.toFixed(1)} µs`,
  '',
  'ratios (bridge / direct, medians):',
  ...Object.entries(ratios).map(([k, v]) => `  ${k.padEnd(34)} ${v.toFixed(2)}  (target ≤ ${targets[k as keyof typeof targets].target}: ${targets[k as keyof typeof targets].met ? 'met' : 'NOT met'})`),
  `  bridge RSS ${results.memory.bridgeRssPeakMiB.toFixed(0)} MiB (target ≤ 150: ${targets.bridgeRss.met ? 'met' : 'NOT met'})`,
  `  bridge RSS under load ${results.load.bridgeRssPeakMiB.toFixed(0)} MiB (target ≤ 150: ${targets.bridgeRssUnderLoad.met ? 'met' : 'NOT met'})`,
  '',
  ...reachLines(reach),
];
console.log(lines.join('\n'));
writeFileSync(path.join(outDir, 'chart.svg'), chart(results));

for (const b of [pooled, unpooled, loaded]) b.child.kill('SIGTERM');
await Promise.all([pooled, unpooled, loaded].map((b) => new Promise((r) => b.child.once('exit', r))));
await fake.stop();
rmSync(home, { recursive: true, force: true });

// ---------------------------------------------------------------- chart

function chart(r: typeof results): string {
  const bars: Array<[string, number, string]> = [
    ['direct cold query()', r.firstTurn.directCold.ttftMedian, '#9aa5b1'],
    ['direct prewarmed claim', r.firstTurn.directPrewarmed.ttftMedian, '#9aa5b1'],
    ['bridge, no pool', r.firstTurn.bridgeNoPool.ttftMedian, '#7aa7d8'],
    ['bridge, warm pool (new config)', r.firstTurn.bridgePool.ttftMedian, '#2f6fb5'],
    ['bridge, config seen before', r.firstTurn.bridgeSeen.ttftMedian, '#2f6fb5'],
    ['turn 2: direct resume', r.continuedTurns.directResumeTurn2.ttftMedian, '#9aa5b1'],
    ['turn 2: bridge (live session)', r.continuedTurns.bridgeTurn2.ttftMedian, '#2f6fb5'],
    ['turn 3: direct resume', r.continuedTurns.directResumeTurn3.ttftMedian, '#9aa5b1'],
    ['turn 3: bridge (live session)', r.continuedTurns.bridgeTurn3.ttftMedian, '#2f6fb5'],
    ['tool step: direct (MCP tool)', r.toolStep.direct.ttftMedian, '#9aa5b1'],
    ['tool step: bridge', r.toolStep.bridge.ttftMedian, '#2f6fb5'],
  ];
  const max = Math.max(...bars.map((b) => b[1]));
  const width = 760;
  const left = 230;
  const barHeight = 24;
  const gap = 10;
  const top = 50;
  const scale = (width - left - 80) / max;
  const height = top + bars.length * (barHeight + gap) + 40;
  const escape = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const rows = bars
    .map(([label, value, color], i) => {
      const y = top + i * (barHeight + gap);
      const w = Math.max(1, value * scale);
      return `<text x="${left - 10}" y="${y + 17}" text-anchor="end">${escape(label)}</text><rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${color}"/><text x="${(left + w + 6).toFixed(1)}" y="${y + 17}">${Math.round(value)} ms</text>`;
    })
    .join('\n  ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13" fill="#1f2933">
  <rect width="100%" height="100%" fill="#ffffff"/>
  <text x="${left}" y="24" font-size="15" font-weight="bold">Time to first token, median (lower is better)</text>
  ${rows}
  <text x="10" y="${height - 12}" font-size="11" fill="#52606d">${escape(`${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, Agent SDK ${r.machine.agentSdk}, Claude Code ${r.machine.claudeCode}; ${r.machine.rounds} interleaved rounds, fake API on loopback`)}</text>
</svg>
`;
}
