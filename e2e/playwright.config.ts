import { defineConfig } from '@playwright/test';

// Drives Debian's Chromium (downloading Playwright's own browser does not work here).
// The server must already be running at E2E_BASE_URL (`make test-browser` starts one).
export default defineConfig({
  testDir: './browser',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['./failure-summary.ts']],
  // Every test runs on a laptop screen; on a small phone (360 px: the narrowest common one) the
  // specs whose screens or flows change there. Every screen's phone layout (no sideways
  // scrolling, tap targets, axe) is checked by a11y.spec either way; the flows left out on the
  // phone (sign-in, settings forms, CSV, CORS, leaving a page early) are the same on both.
  projects: [
    { name: 'desktop', use: { viewport: { width: 1366, height: 768 } } },
    {
      name: 'phone',
      use: { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true },
      testIgnore: ['auth.spec.ts', 'settings.spec.ts', 'csv.spec.ts', 'cors.spec.ts', 'navigation.spec.ts'],
    },
  ],
  use: {
    baseURL: process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8080',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
