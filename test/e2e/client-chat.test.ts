import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { CLIENT_CLI, runNode, spawnInTerminal, type LiveProcess } from '../support/cli-process.js';
import { conversation, echoHandler, type MessagesBody } from '../support/fake-anthropic.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let home: string;
const sessions: LiveProcess[] = [];
beforeAll(async () => {
  stack = await startStack();
  home = mkdtempSync(path.join(os.tmpdir(), 'ccb-test-chat-'));
});
afterAll(async () => {
  for (const session of sessions) await session.stop('SIGKILL');
  await stack?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});
beforeEach(() => stack.fake.reset());

function clientEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, BRIDGE_URL: stack.server.url };
}

/** The conversation Claude received, as [role, text] pairs. */
function turns(body: MessagesBody): Array<[string, string]> {
  return conversation(body).map((m) => [
    m.role,
    m.content
      .filter((b) => b.type === 'text')
      .map((b) => String(b.text))
      .join(''),
  ]);
}

describe('the chat on a terminal', () => {
  test('keeps the conversation, Ctrl-C stops only the answer, /clear forgets, /exit leaves', async () => {
    const chat = spawnInTerminal([process.execPath, CLIENT_CLI, '--system', 'Be brief.'], clientEnv());
    sessions.push(chat);
    await chat.expect(`Chatting through ${stack.server.url}/v1 (model: default)`);
    await chat.expect('> ');

    chat.write('My name is Ada.\r');
    await chat.expect('Echo: My name is Ada.\n');
    await chat.expect('> ');

    // A long, slow answer, stopped with Ctrl-C once it has begun.
    stack.fake.reply({ blocks: [{ type: 'text', text: Array.from({ length: 40 }, () => 'tick ') }], delayMs: 150 });
    chat.write('Count for a long time.\r');
    await chat.expect('tick tick');
    chat.write('\x03');
    await chat.expect('(stopped: this exchange is not kept)');
    await chat.expect('> ');

    // The next question carries the first exchange as real turns, and not the stopped one.
    stack.fake.setHandler(echoHandler);
    chat.write('What is my name?\r');
    await chat.expect('Echo: What is my name?\n');
    expect(turns(stack.fake.lastRequest.body)).toEqual([
      ['user', 'My name is Ada.'],
      ['assistant', 'Echo: My name is Ada.'],
      ['user', 'What is my name?'],
    ]);
    await chat.expect('> ');

    chat.write('/clear\r');
    await chat.expect('(conversation cleared)');
    chat.write('Hello again.\r');
    await chat.expect('Echo: Hello again.\n');
    expect(turns(stack.fake.lastRequest.body)).toEqual([['user', 'Hello again.']]);
    // The system prompt travels with every turn.
    expect(JSON.stringify(stack.fake.lastRequest.body.system)).toContain('Be brief.');

    chat.write('/exit\r');
    expect((await chat.exited).code).toBe(0);
  });

  test('Ctrl-C at an empty prompt leaves', async () => {
    const chat = spawnInTerminal([process.execPath, CLIENT_CLI], clientEnv());
    sessions.push(chat);
    await chat.expect('> ');
    chat.write('\x03');
    expect((await chat.exited).code).toBe(0);
    expect(stack.fake.messageRequests).toHaveLength(0);
  });
});

describe('the chat with piped input (--interactive)', () => {
  test('one message per line, answers alone on stdout, history kept', async () => {
    const { code, stdout, stderr } = await runNode(CLIENT_CLI, ['--interactive'], {
      env: clientEnv(),
      input: 'I like tea.\nWhat do I like?\n',
    });
    expect(code, stderr).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe('Echo: I like tea.\nEcho: What do I like?\n');
    expect(turns(stack.fake.lastRequest.body)).toEqual([
      ['user', 'I like tea.'],
      ['assistant', 'Echo: I like tea.'],
      ['user', 'What do I like?'],
    ]);
  });

  test('a failed turn ends a piped chat with its exit code', async () => {
    const { code, stdout, stderr } = await runNode(CLIENT_CLI, ['-i', '--model', 'gpt-4o'], {
      env: clientEnv(),
      input: 'Hi\nnot sent\n',
    });
    expect(code).toBe(5);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^claude-code-client: 404 model_not_found: /);
    expect(stack.fake.messageRequests).toHaveLength(0);
  });
});
