/**
 * Compile-time constant set by Vite's `define`: true only in the e2e build (`vite build --mode e2e`),
 * so test-only fault hooks guarded by it are dropped from the production bundle.
 */
declare const __LAB_TEST_HOOKS__: boolean;
