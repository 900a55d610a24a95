/**
 * The benchmark's figures on what reaches Claude: the share of input a
 * caching upstream reads from its prompt cache over a 10-turn agent
 * conversation (cold and live turns mixed, and a restart), against a direct
 * Anthropic API call that puts breakpoints where the client puts them; and
 * what each request carries that the client did not send, by path.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { resolveConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { AGENT_SYSTEM, agentFile, agentHandler, cachedShare } from '../test/support/agent-conversation.js';
import { chatDriver } from '../test/support/conversation-drivers.js';
import { FakeAnthropic, type MessagesBody, type ReceivedRequest } from '../test/support/fake-anthropic.js';
import { PromptCache, type CacheUsage } from '../test/support/prompt-cache.js';
import type { Stack } from '../test/support/stack.js';

export interface ReachResults {
  cachedShare: { bridge: number; direct: number; perTurn: { bridge: number[]; direct: number[] }; paths: string[] };
  /** Estimated tokens each request carried that the client did not send, by path (min and max over the requests). */
  extraTokens: Record<string, { min: number; max: number; n: number }>;
  /** What the extra consists of, in characters, from one request with client tools. */
  extraParts: Record<string, number>;
}

type Path = 'fresh (cold)' | 'warm spare' | 'live session' | 'cold with history' | 'cold resume of a tool turn';

/** What a request carries beyond the client's system prompt, turns and tools: system blocks, notes, tools, text. */
function extra(body: MessagesBody, clientTools: readonly string[], clientSystem: string): { tokens: number; parts: Record<string, number> } {
  const parts: Record<string, number> = {};
  const add = (name: string, value: unknown) => {
    parts[name] = (parts[name] ?? 0) + (typeof value === 'string' ? value.length : JSON.stringify(value).length);
  };
  const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : (body.system ?? []);
  for (const block of system) if (block.text !== clientSystem) add(block.text.startsWith('x-anthropic-billing-header') ? 'billing header' : 'identity line', block.text);
  for (const message of body.messages) {
    if (message.role === 'system') add('environment note', typeof message.content === 'string' ? message.content : message.content.map((b) => b.text).join(''));
  }
  const last = body.messages.filter((m) => m.role === 'user').at(-1);
  if (last && typeof last.content !== 'string' && last.content.some((b) => b.type === 'tool_result')) {
    for (const block of last.content) if (block.type === 'text') add('note after resumed tool results', block.text);
  }
  for (const tool of body.tools ?? []) if (!clientTools.includes(tool.name)) add(`tool ${tool.name}`, tool);
  const tokens = Object.values(parts).reduce((n, chars) => n + Math.ceil(chars / 4), 0);
  return { tokens, parts };
}

/** The same turn as a direct call to Anthropic's API would send it: the client's breakpoints on its system prompt and last message. */
function directBody(body: MessagesBody, clientSystem: string): MessagesBody {
  const messages = body.messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role, content: (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content).filter((b) => !(b.type === 'text' && b.text === 'Continue from where you left off.')).map(({ cache_control: _c, ...b }) => b) }));
  const lastMessage = messages.at(-1)!;
  lastMessage.content = lastMessage.content.map((b, i) => (i === lastMessage.content.length - 1 ? { ...b, cache_control: { type: 'ephemeral' } } : b));
  return {
    model: body.model,
    system: [{ type: 'text', text: clientSystem, cache_control: { type: 'ephemeral' } } as never],
    tools: (body.tools ?? []).filter((t) => t.name.startsWith('mcp__client__')).map((t) => ({ ...t, name: t.name.slice('mcp__client__'.length) })),
    messages,
  };
}

export async function measureWhatReachesClaude(baseEnv: Record<string, string>): Promise<ReachResults> {
  const fake = new FakeAnthropic();
  await fake.start();
  fake.promptCache = new PromptCache();
  fake.setHandler(agentHandler);
  const home = mkdtempSync(path.join(os.tmpdir(), 'ccb-bench-reach-'));
  const workRoot = path.join(home, 'work');
  mkdirSync(workRoot);
  const env = { ...baseEnv, HOME: home, CLAUDE_CONFIG_DIR: path.join(home, '.claude'), ANTHROPIC_BASE_URL: fake.url };
  const config = resolveConfig({ port: '0', workRoot, poolSize: '1', liveSessions: '3' }, env);
  let server: RunningServer = await startServer(config);
  // The clients always reach the server of the moment (a restart gives it a new port).
  let openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const stack = {
    get openai() {
      return openai;
    },
  } as unknown as Stack;
  const waitForSpare = async () => {
    const deadline = Date.now() + 60_000;
    while (server.pool.stats().ready < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  };
  await fetch(`${server.url}/v1/models`);
  const byPath: Array<{ path: Path; request: ReceivedRequest }> = [];
  const extraTokens: ReachResults['extraTokens'] = {};
  let extraParts: Record<string, number> = {};
  const record = (p: Path, request: ReceivedRequest, tools: string[], system: string) => {
    byPath.push({ path: p, request });
    const { tokens, parts } = extra(request.body, tools, system);
    const e = (extraTokens[p] ??= { min: Infinity, max: 0, n: 0 });
    e.min = Math.min(e.min, tokens);
    e.max = Math.max(e.max, tokens);
    e.n++;
    if (p === 'cold resume of a tool turn') extraParts = parts;
  };
  try {
    // A first turn without tools, from a warm spare and cold.
    for (const spare of [true, false]) {
      if (spare) await waitForSpare();
      else server.pool.discardAll();
      const before = fake.messageRequests.length;
      await stack.openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'system', content: AGENT_SYSTEM }, { role: 'user', content: 'Hello' }] });
      for (const r of fake.messageRequests.slice(before)) record(spare ? 'warm spare' : 'fresh (cold)', r, [], AGENT_SYSTEM);
    }
    fake.promptCache.clear();

    // The 10-turn agent conversation: cold before turns 4 and 9 (the session expired), a restart before turn 7.
    const chat = chatDriver(stack, { system: AGENT_SYSTEM });
    const usage: CacheUsage[] = [];
    const direct: CacheUsage[] = [];
    const directCache = new PromptCache();
    const paths: string[] = [];
    for (let turn = 0; turn < 10; turn++) {
      if (turn === 3 || turn === 8) server.live.close();
      if (turn === 6) {
        await server.close();
        server = await startServer(config);
        openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      }
      const origins = { ...server.runner.origins };
      const before = fake.messageRequests.length;
      const step = Math.floor(turn / 2) + 1;
      if (turn % 2 === 0) await chat.say(`Step ${step}: read the next file.`);
      else await chat.results([agentFile(step)]);
      const requests = fake.messageRequests.slice(before);
      const results = turn % 2 === 1;
      const p: Path = server.runner.origins.live > origins.live ? 'live session' : results ? 'cold resume of a tool turn' : turn === 0 ? 'fresh (cold)' : 'cold with history';
      paths.push(p);
      for (const r of requests) {
        usage.push(r.usage!);
        direct.push(directCache.usage(directBody(r.body, AGENT_SYSTEM)));
        record(p, r, ['mcp__client__get_weather'], AGENT_SYSTEM);
      }
    }
    const perTurn = (u: CacheUsage[]) => u.map((x) => Number(cachedShare([x]).toFixed(3)));
    return {
      cachedShare: {
        bridge: cachedShare(usage.slice(1)),
        direct: cachedShare(direct.slice(1)),
        perTurn: { bridge: perTurn(usage), direct: perTurn(direct) },
        paths,
      },
      extraTokens,
      extraParts,
    };
  } finally {
    await server.close();
    await fake.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

export function reachLines(r: ReachResults): string[] {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return [
    'what reaches Claude:',
    `  cached share of input over a 10-turn agent conversation (turns 2-10; cold turns, a restart and live turns mixed): bridge ${pct(r.cachedShare.bridge)}, direct API call with the client's breakpoints ${pct(r.cachedShare.direct)} (target ≥ 90%: ${r.cachedShare.bridge >= 0.9 ? 'met' : 'NOT met'})`,
    `    per turn, bridge: ${r.cachedShare.perTurn.bridge.map((v) => v.toFixed(2)).join(' ')}`,
    `    per turn, direct: ${r.cachedShare.perTurn.direct.map((v) => v.toFixed(2)).join(' ')}`,
    `    paths: ${r.cachedShare.paths.join(', ')}`,
    '  tokens per request that the client did not send (estimated at 4 characters a token):',
    ...Object.entries(r.extraTokens).map(([p, e]) => `    ${p.padEnd(28)} ${e.min === e.max ? e.min : `${e.min}-${e.max}`} (${e.n} requests)`),
    `  of which (characters, a request with client tools): ${Object.entries(r.extraParts).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ];
}
