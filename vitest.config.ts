import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Engine tests train real (tiny) nets on tfjs's cpu backend and on WebGPU through Dawn.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
