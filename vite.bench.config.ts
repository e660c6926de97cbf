// Build of the bench-only pages (`npm run bench:browser`): separate inputs and outDir, so nothing
// here reaches the app's production build (`vite build` → dist).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  define: { __LAB_TEST_HOOKS__: 'false' },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist-bench',
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    // Readable function names in long-animation-frame entries and CPU profiles.
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: {
        step: 'scripts/bench/browser/step.html',
        chart: 'scripts/bench/browser/chart.html',
      },
    },
  },
  // public/ holds the CIFAR shards the App loads; the chart page runs the real App.
  preview: { strictPort: true },
});
