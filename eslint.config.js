// Lint rules that keep workflows deterministic and promises awaited; type-aware throughout.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'fs',
  'path',
  'crypto',
  'http',
  'https',
  'net',
  'os',
  'child_process',
  'worker_threads',
  'dns',
  'tls',
  'zlib',
  'stream',
  'events',
  'process',
  'timers',
  'url',
  'util',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', 'data/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.flatMap((name) => [
            { name, message: 'Workflows must stay deterministic: no Node built-ins.' },
            {
              name: `node:${name}`,
              message: 'Workflows must stay deterministic: no Node built-ins.',
            },
          ]),
          patterns: [
            {
              group: ['../activities/**', '../worker/**', '../store/**', '../api/**'],
              allowTypeImports: true,
              message: 'Workflows import activity types only, never implementations.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
