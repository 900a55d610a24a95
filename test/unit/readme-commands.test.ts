import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { buildClientProgram } from '../../src/client/client-program.js';
import { EXIT } from '../../src/client/exit-codes.js';

const readme = readFileSync(new URL('../../docs/commands.md', import.meta.url), 'utf8');

test('the commands page documents every option of claude-code-client', () => {
  for (const option of buildClientProgram('0.0.0').options) {
    expect(readme, option.flags).toContain(`\`${option.flags}\``);
  }
});

test("the commands page's exit-code table lists every exit code of claude-code-client", () => {
  for (const code of Object.values(EXIT)) {
    if (code === EXIT.interrupted) expect(readme).toContain('exit status 130');
    else expect(readme).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  }
});

test('the commands page has a section for each command', () => {
  for (const heading of ['## `claude-code-bridge`', '## `claude-code-bridge doctor`', '## `claude-code-client`', '### The chat']) {
    expect(readme).toContain(heading);
  }
});
