// Copy the status page's static files (HTML, CSS, icon) next to its compiled
// scripts in dist/page/, where the server serves them from.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

const from = new URL('../src/page/', import.meta.url);
const to = new URL('../dist/page/', import.meta.url);
mkdirSync(to, { recursive: true });
for (const name of readdirSync(from)) {
  if (/\.(html|css|svg)$/.test(name)) copyFileSync(new URL(name, from), new URL(name, to));
}
