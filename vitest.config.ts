import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Unit tests run the production code paths; the e2e build alone turns fault hooks on.
  define: { __LAB_TEST_HOOKS__: 'false' },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Engine tests train real (tiny) nets on tfjs's cpu backend and on WebGPU through Dawn.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
