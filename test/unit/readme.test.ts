import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { SETTINGS } from '../../src/config.js';

const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

test('the configuration table lists every setting with its flag and variable', () => {
  const configuration = doc('configuration.md');
  for (const spec of SETTINGS) {
    expect(configuration, spec.flag).toMatch(new RegExp(`\\| \`${spec.flag}\` \\| \`${spec.env}\` \\|`));
  }
});

test('the clients tested in CI are pinned exactly, at the versions the docs list', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> };
  const clientsDoc = doc('agent-clients.md');
  const table = clientsDoc.slice(clientsDoc.indexOf('## Clients tested in CI'));
  const rows = table.split('\n').filter((line) => line.startsWith('| '));
  const clients = ['@openai/codex', 'opencode-ai', '@openai/agents', 'ai', '@ai-sdk/openai', '@ai-sdk/anthropic', '@langchain/openai', '@langchain/anthropic', '@langchain/core'];
  for (const name of clients) {
    const version = pkg.devDependencies[name];
    expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
    const row = rows.find((line) => line.includes(`\`${name}\``));
    expect(row, name).toBeDefined();
    // The versions column lists the row's packages' versions in the order the packages are named.
    const names = [...row!.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const versions = row!.split('|')[2]!.split(',').map((v) => v.trim());
    expect(versions[names.indexOf(name)], name).toBe(version);
  }
});
