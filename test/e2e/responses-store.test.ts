import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { ResponseStoreError } from '../../src/store/response-store.js';
import { conversation } from '../support/fake-anthropic.js';
import { assertSchema } from '../support/openai-schema.js';
import { startStack, type Stack } from '../support/stack.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ccb-responses-db-'));
const db = path.join(dir, 'responses.db');
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ flags: { responsesDb: db } });
});
afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('with --responses-db, a restart loses no stored response: it can be fetched and continued', async () => {
  stack.fake.reply({ blocks: [{ type: 'text', text: 'Paris.' }] });
  const first = await stack.openai.responses.create({ model: 'sonnet', input: 'Capital of France?' });

  await stack.server.close();
  const restarted = await startServer(stack.config);
  try {
    const client = new OpenAI({ baseURL: `${restarted.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const retrieved = await client.responses.retrieve(first.id);
    assertSchema('Response', retrieved);
    expect(retrieved).toEqual(first);
    stack.fake.reply({ blocks: [{ type: 'text', text: 'About two million.' }] });
    const second = await client.responses.create({ model: 'sonnet', previous_response_id: first.id, input: 'Population?' });
    assertSchema('Response', second);
    expect(second.output_text).toBe('About two million.');
    // The turns' content, without Claude Code's cache breakpoint: that goes on whichever block comes last, and
    // its environment note is not always the last message after a restart (not what this test is about).
    const firstBlocks = conversation(stack.fake.lastRequest.body).map((t) => {
      const { cache_control: _breakpoint, ...block } = t.content[0]!;
      return block;
    });
    expect(firstBlocks).toEqual([
      { type: 'text', text: 'Capital of France?' },
      { type: 'text', text: 'Paris.' },
      { type: 'text', text: 'Population?' },
    ]);
  } finally {
    await restarted.close();
  }
});

test('a database that cannot be opened stops the start with a message that names the setting', async () => {
  const notADirectory = path.join(dir, 'a-file');
  writeFileSync(notADirectory, 'x');
  const workRoot = mkdtempSync(path.join(dir, 'work-'));
  const config = resolveConfig({ port: '0', workRoot, responsesDb: path.join(notADirectory, 'responses.db') }, {});
  await expect(startServer(config)).rejects.toThrow(ResponseStoreError);
  await expect(startServer(config)).rejects.toThrow(/--responses-db/);
  // Refused before any folder was made.
  expect(readdirSync(workRoot)).toEqual([]);
});

test('a start that cannot listen (the port is taken) fails and leaves no folder behind', async () => {
  const workRoot = mkdtempSync(path.join(dir, 'work-'));
  // The server holding the port is never asked anything: it needs no Claude Code started ahead.
  const taken = await startServer(resolveConfig({ port: '0', workRoot: mkdtempSync(path.join(dir, 'work-')), poolSize: '0', prestartMemoryBytes: '0' }, {}));
  try {
    await expect(startServer(resolveConfig({ port: String(taken.port), workRoot }, {}))).rejects.toThrow(/EADDRINUSE/);
    expect(readdirSync(workRoot)).toEqual([]);
  } finally {
    await taken.close();
  }
});
