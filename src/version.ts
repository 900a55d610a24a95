import { readFileSync } from 'node:fs';

/** The bridge's own version, from its package.json. */
export const BRIDGE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
