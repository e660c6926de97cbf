import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig(({ mode }) => ({
  plugins: [react()],
  // Test-only fault hooks exist only in the e2e build (`npm run build:e2e`); see src/core/globals.d.ts.
  define: { __LAB_TEST_HOOKS__: JSON.stringify(mode === 'e2e') },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 4000 },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: true },
}));
