/**
 * The bridge's speed, measured against calling the Agent SDK directly, in one
 * interleaved run on this machine, offline (a fake Anthropic API on loopback
 * answers instantly, so what is measured is Claude Code and the bridge).
 *
 *   npm run bench            (BENCH_ROUNDS=n to change the number of rounds)
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
import { prewarm, query, type Options, type SDKMessage, type SDKUserMessage, type SessionStore, type SessionStoreEntry } from '@anthropic-ai/claude-agent-sdk';
import { buildTranscript } from '../src/claude/transcript.js';
import { FakeAnthropic, lastUserText, type Handler } from '../test/support/fake-anthropic.js';
import { measureWhatReachesClaude, reachLines } from './what-reaches-claude.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const LONG_WORDS = 20_000;
const LONG_ROUNDS = Math.min(ROUNDS, 6);
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.join(root, 'bench');

// ---------------------------------------------------------------- set-up

const fake = new FakeAnthropic();
await fake.start();
const longAnswer = Array.from({ length: LONG_WORDS }, (_, i) => `w${i} `);
const handler: Handler = (request) =>
  lastUserText(request.body).startsWith('LONG')
    ? { blocks: [{ type: 'text', text: longAnswer }] }
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

/** One streamed request through a bridge, timing the first content chunk. */
async function viaBridge(bridge: Bridge, messages: Array<{ role: string; content: string }>): Promise<Sample & { text: string }> {
  const started = performance.now();
  const res = await fetch(`${bridge.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, stream: true, messages: [{ role: 'system', content: SYSTEM }, ...messages] }),
  });
  if (!res.ok || !res.body) throw new Error(`bridge answered ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let ttft = NaN;
  let buffer = '';
  let text = '';
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.replace(/^data: /, '');
      if (data === '[DONE]') continue;
      const content = (JSON.parse(data) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content;
      if (content) {
        if (Number.isNaN(ttft)) ttft = performance.now() - started;
        text += content;
      }
    }
  }
  return { ttft, total: performance.now() - started, text };
}

/** Wait for the bridge's spare, then as long as the direct prewarmed variant lets its spare settle. */
async function spareReady(bridge: Bridge): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
    if (/^bridge_pool_spares_ready 1$/m.test(metrics)) break;
    await sleep(50);
  }
  await sleep(200);
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

function stat(samples: Sample[]): Stat {
  return {
    ttftMedian: percentile(samples.map((s) => s.ttft), 50),
    ttftP95: percentile(samples.map((s) => s.ttft), 95),
    totalMedian: percentile(samples.map((s) => s.total), 50),
    totalP95: percentile(samples.map((s) => s.total), 95),
    n: samples.length,
  };
}

// ---------------------------------------------------------------- the run

const pooled = await startBridge({ BRIDGE_POOL_SIZE: '1', BRIDGE_LIVE_SESSIONS: '8' });
const unpooled = await startBridge({ BRIDGE_POOL_SIZE: '0', BRIDGE_LIVE_SESSIONS: '0' });
const memory = sampleMemory(pooled.child.pid!);

const first = { directCold: [] as Sample[], directPrewarmed: [] as Sample[], bridgePool: [] as Sample[], bridgeNoPool: [] as Sample[] };
const continued = { bridge2: [] as Sample[], bridge3: [] as Sample[], direct2: [] as Sample[], direct3: [] as Sample[] };
const long = { direct: [] as Sample[], bridge: [] as Sample[] };

console.error(`benchmark: ${ROUNDS} interleaved rounds`);
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order so no variant always runs first (or last) in a round.
  const steps: Array<() => Promise<void>> = [
    async () => void first.directCold.push(await directCold('Hello')),
    async () => void first.directPrewarmed.push(await directPrewarmed()),
    async () => {
      await spareReady(pooled);
      first.bridgePool.push(await viaBridge(pooled, [{ role: 'user', content: `Hello ${round}` }]));
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
  if (round < LONG_ROUNDS) {
    const direct = async (): Promise<void> => {
      const cwd = mkdtempSync(path.join(home, 'run-'));
      const started = performance.now();
      const q = query({ prompt: once(user('LONG')), options: directOptions(cwd) });
      long.direct.push(await timeSdk(q, started));
      q.close();
    };
    const bridge = async (): Promise<void> => void long.bridge.push(await viaBridge(unpooled, [{ role: 'user', content: 'LONG answer please' }]));
    // Alternate which goes first, as the steps above rotate.
    for (const step of round % 2 === 0 ? [direct, bridge] : [bridge, direct]) await step();
  }
  console.error(`  round ${round + 1} done`);
}

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
    claudeCode: (await (await fetch(`${pooled.url}/health`)).json() as { claude_code: { version: string } }).claude_code.version,
    date: new Date().toISOString(),
    rounds: ROUNDS,
  },
  firstTurn: {
    directCold: stat(first.directCold),
    directPrewarmed: stat(first.directPrewarmed),
    bridgePool: stat(first.bridgePool),
    bridgeNoPool: stat(first.bridgeNoPool),
  },
  continuedTurns: {
    bridgeTurn2: stat(continued.bridge2),
    bridgeTurn3: stat(continued.bridge3),
    directResumeTurn2: stat(continued.direct2),
    directResumeTurn3: stat(continued.direct3),
  },
  longAnswer: { words: LONG_WORDS, direct: stat(long.direct), bridge: stat(long.bridge) },
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
  cachedShare: { target: 0.9, met: reach.cachedShare.bridge >= 0.9 },
};
writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify({ ...results, ratios, targets }, null, 2)}\n`);

const ms = (v: number) => (Number.isNaN(v) ? '   -' : `${Math.round(v)}`.padStart(6));
const row = (name: string, s: Stat) => `${name.padEnd(34)} ${ms(s.ttftMedian)} ${ms(s.ttftP95)} ${ms(s.totalMedian)} ${ms(s.totalP95)}   ${s.n}`;
const lines = [
  `Machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}, Claude Code ${results.machine.claudeCode}`,
  '',
  `${'milliseconds'.padEnd(34)} ${'TTFT'.padStart(6)} ${'p95'.padStart(6)} ${'total'.padStart(6)} ${'p95'.padStart(6)}   n`,
  row('first turn: direct cold query()', f.directCold),
  row('first turn: direct prewarmed claim', f.directPrewarmed),
  row('first turn: bridge, warm pool', f.bridgePool),
  row('first turn: bridge, no pool', f.bridgeNoPool),
  row('turn 2: bridge (live session)', c.bridgeTurn2),
  row('turn 2: direct resume', c.directResumeTurn2),
  row('turn 3: bridge (live session)', c.bridgeTurn3),
  row('turn 3: direct resume', c.directResumeTurn3),
  row(`long answer (${LONG_WORDS} words): direct`, results.longAnswer.direct),
  row(`long answer (${LONG_WORDS} words): bridge`, results.longAnswer.bridge),
  ...[1, 4, 8].flatMap((n) => [row(`${n} concurrent: bridge`, concurrency[String(n)]!.bridge), row(`${n} concurrent: direct cold`, concurrency[String(n)]!.direct)]),
  '',
  `peak RSS: bridge ${results.memory.bridgeRssPeakMiB.toFixed(0)} MiB, its Claude Code processes ${results.memory.childrenRssPeakMiB.toFixed(0)} MiB`,
  `per request: a cold turn's 10-turn transcript ${bookkeeping.transcriptWriteAndRemoveUs.toFixed(0)} µs (written and removed), model name resolution ${bookkeeping.modelResolutionUs.toFixed(1)} µs`,
  '',
  'ratios (bridge / direct, medians):',
  ...Object.entries(ratios).map(([k, v]) => `  ${k.padEnd(34)} ${v.toFixed(2)}  (target ≤ ${targets[k as keyof typeof targets].target}: ${targets[k as keyof typeof targets].met ? 'met' : 'NOT met'})`),
  `  bridge RSS ${results.memory.bridgeRssPeakMiB.toFixed(0)} MiB (target ≤ 150: ${targets.bridgeRss.met ? 'met' : 'NOT met'})`,
  '',
  ...reachLines(reach),
];
console.log(lines.join('\n'));
writeFileSync(path.join(outDir, 'chart.svg'), chart(results));

for (const b of [pooled, unpooled]) b.child.kill('SIGTERM');
await Promise.all([pooled, unpooled].map((b) => new Promise((r) => b.child.once('exit', r))));
await fake.stop();
rmSync(home, { recursive: true, force: true });

// ---------------------------------------------------------------- chart

function chart(r: typeof results): string {
  const bars: Array<[string, number, string]> = [
    ['direct cold query()', r.firstTurn.directCold.ttftMedian, '#9aa5b1'],
    ['direct prewarmed claim', r.firstTurn.directPrewarmed.ttftMedian, '#9aa5b1'],
    ['bridge, no pool', r.firstTurn.bridgeNoPool.ttftMedian, '#7aa7d8'],
    ['bridge, warm pool', r.firstTurn.bridgePool.ttftMedian, '#2f6fb5'],
    ['turn 2: direct resume', r.continuedTurns.directResumeTurn2.ttftMedian, '#9aa5b1'],
    ['turn 2: bridge (live session)', r.continuedTurns.bridgeTurn2.ttftMedian, '#2f6fb5'],
    ['turn 3: direct resume', r.continuedTurns.directResumeTurn3.ttftMedian, '#9aa5b1'],
    ['turn 3: bridge (live session)', r.continuedTurns.bridgeTurn3.ttftMedian, '#2f6fb5'],
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
  <text x="10" y="${height - 12}" font-size="11" fill="#52606d">${escape(`${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, Claude Code ${r.machine.claudeCode}; ${r.machine.rounds} interleaved rounds, fake API on loopback`)}</text>
</svg>
`;
}
