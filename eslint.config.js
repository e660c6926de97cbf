import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-e2e',
      'dist-bench',
      'node_modules',
      'public/data',
      'test-results',
      'playwright-report',
      'bench-out',
      '.device',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The UI never touches tfjs: all tensor work lives in the worker.
      'no-restricted-imports': ['error', { patterns: ['@tensorflow/*', '**/engine/**'] }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      // core is pure: no tfjs, no DOM-bound modules.
      'no-restricted-imports': [
        'error',
        { patterns: ['@tensorflow/*', '**/engine/**', '**/ui/**', '**/worker/**', 'react*'] },
      ],
    },
  },
);
