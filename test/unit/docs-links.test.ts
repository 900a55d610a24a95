import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// The README is the front door and docs/ holds the rest: every link between them must lead somewhere.
const repo = fileURLToPath(new URL('../..', import.meta.url));
const pages = ['README.md', ...readdirSync(path.join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(path.join(repo, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

test('every link in the README and docs/ leads to a file that exists, and to a heading it has', () => {
  const broken: string[] = [];
  for (const page of pages) {
    const text = readFileSync(path.join(repo, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue;
      const [file, anchor] = target!.split('#') as [string, string | undefined];
      const resolved = file === '' ? page : path.posix.join(path.posix.dirname(page), file);
      if (!existsSync(path.join(repo, resolved))) broken.push(`${page}: ${target} (no file)`);
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`${page}: ${target} (no heading)`);
    }
  }
  expect(broken).toEqual([]);
});

test('the README stays a front door: about 200 lines, linking every page in docs/', () => {
  const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
  expect(readme.split('\n').length).toBeLessThanOrEqual(220);
  for (const page of pages.filter((p) => p.startsWith('docs/'))) expect(readme, page).toContain(`](${page}`);
});
