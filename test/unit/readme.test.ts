import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { SETTINGS } from '../../src/config.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('the README configuration table lists every setting with its flag and variable', () => {
  for (const spec of SETTINGS) {
    expect(readme, spec.flag).toMatch(new RegExp(`\\| \`${spec.flag}\` \\| \`${spec.env}\` \\|`));
  }
});

test('the README gives the install-and-start and install-and-test commands that exist', () => {
  expect(readme).toContain('npm ci && npm start');
  expect(readme).toContain('npm ci && npm test');
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.start).toBeDefined();
  expect(pkg.scripts.test).toBeDefined();
});
