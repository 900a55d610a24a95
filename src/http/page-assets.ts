import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PageAsset {
  body: Uint8Array;
  type: string;
  etag: string;
}

export interface PageAssets {
  /** Files by their path under /bridge/ui/ (e.g. "main.js", "vendor/eventsource-parser.js"). */
  files: ReadonlyMap<string, PageAsset>;
  /** Why there are none, when the page was not found. */
  missing: string | undefined;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Where the built page is: `dist/page/` beside the compiled server (as
 * installed from the package), or, when the server runs from its TypeScript
 * sources (the tests), the build's output in the checkout.
 */
function pageDirectory(): string | undefined {
  const candidates = [new URL('../page/', import.meta.url), new URL('../../dist/page/', import.meta.url)];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(path.join(dir, 'index.html')) && existsSync(path.join(dir, 'main.js'))) return dir;
  }
  return undefined;
}

/**
 * eventsource-parser's browser build, served to the page from the installed
 * package (it is a dependency) rather than copied into this one.
 */
async function eventSourceParser(): Promise<Uint8Array> {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('eventsource-parser/package.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { exports: { '.': { import: string } } };
  return readFile(path.join(path.dirname(manifestPath), manifest.exports['.'].import));
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, name)));
    else if (TYPES[path.extname(entry.name)]) files.push(name);
  }
  return files;
}

function asset(body: Uint8Array, name: string): PageAsset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, type: TYPES[path.extname(name)] ?? 'application/octet-stream', etag };
}

/**
 * Read the page's files once, at start-up: they are small (tens of
 * kilobytes), and serving them from memory needs no file-system access per
 * request and no path handling that a crafted URL could lead astray.
 */
export async function loadPageAssets(): Promise<PageAssets> {
  const dir = pageDirectory();
  if (!dir) return { files: new Map(), missing: 'The status page was not built: run `npm run build`.' };
  const files = new Map<string, PageAsset>();
  for (const name of await listFiles(dir)) files.set(name, asset(await readFile(path.join(dir, name)), name));
  files.set('vendor/eventsource-parser.js', asset(await eventSourceParser(), 'eventsource-parser.js'));
  return { files, missing: undefined };
}
