/**
 * Render the settings table (src/config.ts) as Markdown: `npm run docs:config`
 * writes it into docs/configuration.md (between its markers; the prose around
 * the table is the page's own), and a test fails when the checked-in table is
 * not what the settings table renders today.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SETTINGS, shownDefault, type SettingSpec } from '../src/config.js';

export const CONFIGURATION_DOC = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

/** A table cell: pipes escaped, so a description cannot break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function row(spec: SettingSpec): string {
  const shown = spec.defaultLabel ?? `\`${shownDefault(spec)}\``;
  return `| \`${spec.flag}\` | \`${spec.env}\` | ${cell(shown)} | ${cell(spec.description)} |`;
}

const START = '<!-- settings:start -->';
const END = '<!-- settings:end -->';

/** The settings table as Markdown rows, with its header. */
export function renderSettingsTable(settings: readonly SettingSpec[] = SETTINGS): string {
  return ['| Flag | Environment | Default | Meaning |', '| --- | --- | --- | --- |', ...settings.map(row)].join('\n');
}

/** The configuration page with its table (between the markers) rendered anew; the prose around it is kept. */
export function renderConfigurationDoc(current: string, settings: readonly SettingSpec[] = SETTINGS): string {
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${CONFIGURATION_DOC} has lost its ${START} … ${END} markers`);
  return `${current.slice(0, start + START.length)}\n${renderSettingsTable(settings)}\n${current.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(CONFIGURATION_DOC, renderConfigurationDoc(readFileSync(CONFIGURATION_DOC, 'utf8')));
  console.log(`wrote ${CONFIGURATION_DOC}`);
}
