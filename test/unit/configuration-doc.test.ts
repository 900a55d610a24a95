import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { CONFIGURATION_DOC, renderConfigurationDoc, renderSettingsTable } from '../../scripts/docs-config.js';
import { SETTINGS } from '../../src/config.js';

test('docs/configuration.md holds the table the settings table renders today (run `npm run docs:config` after changing a setting)', () => {
  const page = readFileSync(CONFIGURATION_DOC, 'utf8');
  expect(page).toBe(renderConfigurationDoc(page));
});

test('the rendering lists every setting, with its default derived from the table', () => {
  const table = renderSettingsTable();
  for (const spec of SETTINGS) expect(table, spec.flag).toContain(`| \`${spec.flag}\` | \`${spec.env}\` |`);
  expect(table).toContain('| `--queue-timeout` | `BRIDGE_QUEUE_TIMEOUT` | `60 s` |');
  expect(table).toContain('| `--max-body` | `BRIDGE_MAX_BODY` | `32 MB` |');
});
