// Lint for what a type checker cannot see: promises nobody awaits, imports
// that should vanish at build time, and imports that cross the layers the
// README's architecture section draws.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers, as folders (and the few files at the top of src/). Each may
 * import only what `layers` below lets it: an import across any other line
 * is an error, and a new folder is forbidden until it is placed here.
 */
const elements = [
  { type: 'errors', pattern: 'src/errors' },
  { type: 'core', pattern: 'src/core' },
  { type: 'translate', pattern: 'src/translate' },
  { type: 'store', pattern: 'src/store' },
  { type: 'claude', pattern: 'src/claude' },
  { type: 'observe', pattern: 'src/observe' },
  { type: 'status-api', pattern: 'src/status-api' },
  { type: 'http', pattern: 'src/http' },
  { type: 'page', pattern: 'src/page' },
  { type: 'cli', pattern: 'src/cli' },
  { type: 'client', pattern: 'src/client' },
  { type: 'types', pattern: 'src/types' },
  // Leaves every layer may use: the settings table, the logger, the version, a folder check.
  { type: 'shared', pattern: 'src/{config,logger,version,writable-folder}.ts', mode: 'file' },
  // The composition root (the server and the app wiring it shares with the in-memory tests) and the command's entry.
  { type: 'main', pattern: 'src/{server,cli,app-wiring}.ts', mode: 'file' },
];

/** Who may import whom (besides itself). */
const layers = {
  errors: [],
  shared: [],
  core: ['errors', 'shared'],
  translate: ['core', 'errors', 'shared'],
  store: ['core', 'errors', 'shared'],
  claude: ['core', 'errors', 'shared'],
  // Metrics read the counters of Claude Code's processes, pool and sessions.
  observe: ['core', 'errors', 'shared', 'claude'],
  'status-api': [],
  http: ['core', 'translate', 'store', 'observe', 'errors', 'status-api', 'shared'],
  page: ['status-api'],
  cli: ['main', 'claude', 'core', 'store', 'observe', 'errors', 'shared'],
  client: ['shared'],
  types: [],
  main: ['http', 'claude', 'core', 'translate', 'store', 'observe', 'errors', 'cli', 'shared'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/page/vendor/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Plain scripts run in Node.
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.test.json', './src/page/tsconfig.json'],
        noWarnOnMultipleProjects: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // `import type` is erased at build time: type-only uses of devDependencies (openai, @anthropic-ai/sdk) cost nothing at run time.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // A leading underscore marks what is left unused on purpose (a destructured field left out, say).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true, caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'import/resolver': { typescript: { project: ['tsconfig.json', 'src/page/tsconfig.json'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: Object.entries(layers).map(([from, to]) => ({
            from: { element: { type: from } },
            allow: { to: { element: { types: { anyOf: [from, ...to] } } } },
          })),
        },
      ],
      'boundaries/no-unknown-files': 'error',
      // A double cast tells the compiler to stop checking: parse the value (zod, a type guard) or build it typed instead.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSAsExpression > TSAsExpression.expression[typeAnnotation.type=/^TS(Unknown|Any)Keyword$/]',
          message: 'No `as unknown as` (or `as any as`) in src/: parse the value or construct it with its type.',
        },
      ],
    },
  },
);
