// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.crosscare/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Dependencies point inward: apps use libs, libs never import apps (tests under test/ may use both).
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/apps/**', 'apps/*'], message: 'libs never import apps' }] },
      ],
    },
  },
  {
    // Production code of the apps never depends on tooling or test material: demo and development tools that do
    // live in test/demo, test helpers in each app's src/testing.
    files: ['apps/**/*.ts'],
    ignores: ['**/*.spec.ts', 'apps/*/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@crosscare/local-stack',
                '@crosscare/testing',
                '@crosscare/*/testing',
                '**/testing/**',
              ],
              message: 'apps use neither the local stack nor test helpers and fixtures outside their tests',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts'],
    // Tests assert on parsed JSON bodies; typing every one would hide the assertions.
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
