import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { CSP_HEADER, cspMeta } from './scripts/csp';

export default defineConfig(({ mode }) => ({
  // The strict CSP ships in the built page (meta) and in the preview server's header.
  plugins: [react(), cspMeta()],
  // Test-only fault hooks exist only in the e2e build (`npm run build:e2e`); see src/core/globals.d.ts.
  define: { __LAB_TEST_HOOKS__: JSON.stringify(mode === 'e2e') },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 4000 },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: true, headers: { 'Content-Security-Policy': CSP_HEADER } },
}));
