import { test as base, expect, type Page } from '@playwright/test';
import { seedSpeed } from './speed';

// Apart from the fixtures so the browser bench can drive the same run without Playwright Test.
export { TINY } from './tiny';

export function query(values: Record<string, string>): string {
  return '/?' + new URLSearchParams(values).toString();
}

/** Page object for the lab: names a user would use, test ids where no name fits. */
export class Lab {
  constructor(readonly page: Page) {}

  get status() {
    return this.page.getByTestId('status');
  }
  get backend() {
    return this.page.getByTestId('backend');
  }
  get chart() {
    return this.page.getByTestId('loss-chart');
  }
  button(name: 'Start' | 'Pause' | 'Resume' | 'Stop') {
    return this.page.getByRole('button', { name, exact: true });
  }
  number(key: string) {
    return this.page.getByTestId(`control.${key}.number`);
  }
  async trainPoints(): Promise<number> {
    return Number(await this.chart.getAttribute('data-train-points'));
  }
  async valPoints(): Promise<number> {
    return Number(await this.chart.getAttribute('data-val-points'));
  }
}

export const test = base.extend<{ lab: Lab; realSpeed: boolean }>({
  /** Off: the page finds this machine's speed already stored (e2e/speed.ts) and measures nothing. */
  realSpeed: [false, { option: true }],
  lab: async ({ page, realSpeed }, use) => {
    if (!realSpeed) await seedSpeed(page);
    // The lab must never reach beyond its own origin (no CDN, no telemetry).
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (
        !['localhost', '127.0.0.1'].includes(url.hostname) &&
        !url.protocol.startsWith('blob') &&
        !url.protocol.startsWith('data')
      ) {
        throw new Error(`unexpected request to ${req.url()}`);
      }
    });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await use(new Lab(page));
    expect(errors, 'uncaught page errors').toEqual([]);
  },
});

/**
 * Specs that inject faults (worker crash, lost device, …) run against the e2e build, whose
 * `__LAB_TEST_HOOKS__` is true; the production build on the other port has no hooks.
 */
export const hooksTest = test.extend({
  baseURL: `http://localhost:${Number(process.env.E2E_PORT ?? 4173) + 1}`,
});

export { expect };
