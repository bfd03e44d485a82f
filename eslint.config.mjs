import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', 'data/**'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            // The kernel depends on nothing but the standard library.
            { sourceTag: 'scope:kernel', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:lib', onlyDependOnLibsWithTags: ['scope:kernel', 'scope:lib'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:kernel', 'scope:lib'] },
            { sourceTag: 'scope:tool', onlyDependOnLibsWithTags: ['scope:kernel', 'scope:lib'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // The Raft kernel is pure: no I/O, no clocks, no ambient randomness, no timers.
    files: ['libs/raft-core/src/kernel/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'net', 'http', 'os', 'child_process', 'crypto', 'timers'] }],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'process', 'performance'],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'time is injected as ticks' },
        { object: 'Math', property: 'random', message: 'randomness is injected as a seeded generator' },
      ],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date']", message: 'time is injected as ticks' }],
    },
  },
];
