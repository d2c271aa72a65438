// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import { readdirSync } from 'node:fs';

const APPS = readdirSync(new URL('./apps', import.meta.url));

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
    // The libraries of domain logic, contracts and storage stay free of Nest and Kafka, so they can be tested as
    // plain functions; only libs/kafka (the client), the local stack, the test harness, the region loader, the
    // subscriber grants (which administer users and ACLs) and the opt-out topic's writers and readers (libs/opt-outs;
    // their rules are libs/governance's) reach a broker.
    files: ['libs/**/*.ts'],
    // libs/logging is pure but for its thin Nest adapter (src/nest), which installs the logger into Nest.
    ignores: [
      'libs/{kafka,local-stack,testing,synthetic-region,subscribers,opt-outs}/**',
      'libs/logging/src/nest/**',
      '**/*.spec.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**', 'apps/*'], message: 'libs never import apps' },
            {
              group: ['@nestjs/*', 'kafkajs', 'express'],
              message: 'this library stays pure: Nest and Kafka belong to the apps and libs/kafka',
            },
          ],
        },
      ],
    },
  },
  {
    // libs/fhir-subscriptions is a domain library (the block above applies) that also stays free of storage: the
    // subscriptions app keeps subscriptions in Postgres, the library only decides what they mean.
    files: ['libs/fhir-subscriptions/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**', 'apps/*'], message: 'libs never import apps' },
            {
              group: ['@nestjs/*', 'kafkajs', 'express'],
              message: 'this library stays pure: Nest and Kafka belong to the apps and libs/kafka',
            },
            {
              group: ['pg', 'typeorm'],
              message: 'the subscription rules stay pure: storage belongs to apps/subscriptions',
            },
          ],
        },
      ],
    },
  },
  {
    // libs/errors is the bottom of the graph: every lib and app imports it, so it imports nothing of theirs, nor the
    // libraries whose errors it recognises (by shape: kafkajs, pg, TypeORM).
    files: ['libs/errors/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@crosscare/*',
                '**/apps/**',
                'apps/*',
                '../../*',
                'kafkajs',
                'pg',
                'typeorm',
                '@nestjs/*',
              ],
              message: 'libs/errors imports nothing: it sits below every other lib',
            },
          ],
        },
      ],
    },
  },
  // One error base: every error Crosscare defines is a CrosscareError, so it states whether it is retriable and
  // isRetriable can answer for it. Tests may still stand in for foreign errors (kafkajs's, pg's) with Error itself.
  {
    files: ['**/*.ts'],
    ignores: ['libs/errors/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            ':matches(ClassDeclaration, ClassExpression)[superClass.name=/^(Aggregate|Eval|Range|Reference|Syntax|Type|URI)?Error$/]',
          message: 'extend CrosscareError (@crosscare/errors), saying whether the error is retriable',
        },
      ],
    },
  },
  // Apps never import other apps (tests included: what two apps share belongs in a lib), and their production code
  // never depends on tooling or test material: demo and development tools live in test/demo, test helpers in each
  // app's src/testing.
  ...APPS.flatMap((app) => {
    const otherApps = {
      group: APPS.filter((other) => other !== app).flatMap((other) => [
        `**/apps/${other}/**`,
        `**/${other}/src/**`,
      ]),
      message: 'apps never import other apps: what two apps share belongs in a lib',
    };
    const tooling = {
      group: ['@crosscare/local-stack', '@crosscare/testing', '@crosscare/*/testing', '**/testing/**'],
      message: 'apps use neither the local stack nor test helpers and fixtures outside their tests',
    };
    return [
      {
        files: [`apps/${app}/**/*.ts`],
        rules: { 'no-restricted-imports': ['error', { patterns: [otherApps] }] },
      },
      {
        files: [`apps/${app}/**/*.ts`],
        ignores: ['**/*.spec.ts', `apps/${app}/src/testing/**`],
        rules: { 'no-restricted-imports': ['error', { patterns: [otherApps, tooling] }] },
      },
    ];
  }),
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
