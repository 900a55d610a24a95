import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.includes('vendor'))
    .map((name) => path.join(dir, name));
}

/** Files outside the unit tests that call `name(` (its definition and comments aside). */
function callers(name: string): string[] {
  const call = new RegExp(`(?<!function |\\* .*)\\b${name}\\(`);
  return [...sources('src'), ...sources('test/support'), ...sources('scripts')]
    .filter((file) => readFileSync(path.join(root, file), 'utf8').split('\n').some((line) => !line.trimStart().startsWith('//') && call.test(line)))
    .sort();
}

// The fast tier is only worth its speed if it runs the server's own app: a
// guard, limit or observer wired in one place but not the other would pass
// there and be missing in use. So the app and its pipeline are built in one
// function, and both the server and the in-memory harness go through it.
test('the server and the in-memory tier build the app through the one wireApp', () => {
  expect(callers('wireApp')).toEqual(['src/server.ts', 'test/support/in-memory-bridge.ts']);
  expect(callers('createApp')).toEqual(['src/app-wiring.ts']);
  expect(callers('new CompletionService')).toEqual(['src/app-wiring.ts']);
  expect(callers('new Metrics')).toEqual(['src/app-wiring.ts']);
  expect(callers('new StatusFeed')).toEqual(['src/app-wiring.ts']);
});
