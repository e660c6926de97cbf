import { defineConfig } from '@playwright/test';

// E2E_PORT lets two checkouts (or helpers) run specs side by side.
const PORT = Number(process.env.E2E_PORT ?? 4173);
/** The e2e build (test-only fault hooks compiled in) is served on the next port; see e2e/fixtures.ts. */
export const HOOKS_PORT = PORT + 1;

/**
 * End-to-end tests drive the built app (`vite preview`) in the system Chromium, whose WebGPU runs
 * on SwiftShader with --enable-unsafe-webgpu (see ../shared/PLATFORM.md): real but slow, so specs
 * use tiny configurations and generous timeouts.
 */
export default defineConfig({
  testDir: 'e2e',
  timeout: 300_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    // No video: it needs Playwright's own ffmpeg download, which these machines cannot fetch.
    video: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--enable-unsafe-webgpu',
      ],
    },
  },
  webServer: [
    {
      // The production build: what users get, and what every spec runs unless it needs a fault hook.
      command: `npx vite preview --port ${PORT} --strictPort`,
      url: `http://localhost:${PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      command: `npx vite preview --mode e2e --outDir dist-e2e --port ${HOOKS_PORT} --strictPort`,
      url: `http://localhost:${HOOKS_PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
  ],
});
