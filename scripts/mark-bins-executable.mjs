// Make the package's commands (package.json "bin") executable in dist/, so
// that they run straight from a checkout and the packed tarball carries the
// mode too (npm only adds it on install).
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
for (const file of Object.values(pkg.bin ?? {})) {
  chmodSync(new URL(`../${file}`, import.meta.url), 0o755);
}
