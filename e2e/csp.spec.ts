import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { TINY, expect, query, test } from './fixtures';

/** Directive name → its sources, from a policy string. */
function parsePolicy(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

function expectStrict(policy: string | null | undefined, where: string): void {
  expect(policy, `${where}: a policy`).toBeTruthy();
  const p = parsePolicy(policy ?? '');
  expect(policy, where).not.toContain("'unsafe-eval'");
  expect(policy, where).not.toContain("'unsafe-inline'");
  expect(policy, where).not.toContain('*');
  expect(p.get('default-src'), `${where}: default-src`).toEqual(["'self'"]);
  expect(p.get('script-src'), `${where}: script-src`).toEqual(["'self'"]);
  expect(p.get('connect-src'), `${where}: connect-src`).toEqual(["'self'"]);
  expect(p.get('worker-src'), `${where}: worker-src`).toEqual(["'self'"]);
  expect(p.get('object-src'), `${where}: object-src`).toEqual(["'none'"]);
}

/** Every CSP report the page or its worker makes: DOM events and the console's "Refused to …". */
async function watchViolations(context: BrowserContext, page: Page): Promise<() => string[]> {
  const seen: string[] = [];
  context.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) seen.push(`console: ${msg.text()}`);
  });
  await page.exposeFunction('__cspViolation', (text: string) => seen.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __cspViolation: (t: string) => void }).__cspViolation;
      void report(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
  return () => seen.slice();
}

test('the production page is served with a strict Content-Security-Policy', async ({
  lab,
  page,
}) => {
  const res = await page.goto('/');
  expectStrict(res?.headers()['content-security-policy'], 'response header');
  expect(
    parsePolicy(res?.headers()['content-security-policy'] ?? '').get('frame-ancestors'),
  ).toEqual(["'none'"]);
  // The meta copy protects static hosts that set no headers; it must come before any script.
  const meta = page.locator('meta[http-equiv="Content-Security-Policy"]');
  expectStrict(await meta.getAttribute('content'), 'meta');
  const first = await page.evaluate(() => document.head.firstElementChild?.outerHTML ?? '');
  expect(first).toContain('Content-Security-Policy');
  await expect(lab.button('Start')).toBeVisible();
});

test('training and chart export run with zero CSP violations; inline script is refused', async ({
  lab,
  page,
  context,
}) => {
  const violations = await watchViolations(context, page);
  // cpu: quicker on SwiftShader; every other spec trains on WebGPU under the same policy.
  await page.goto(query({ ...TINY, trainSize: '32', valSize: '16', epochs: '1', backend: 'cpu' }));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  // Enter in a settings field submits its form: the page handles it, form-action never fires.
  await lab.number('epochs').press('Enter');
  await lab.button('Start').click();
  await expect(lab.status).toContainText(/done/i, { timeout: 240_000 });
  expect(await lab.trainPoints()).toBe(2);

  for (const name of ['Chart as SVG', 'Chart as PNG']) {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^loss-chart\.(svg|png)$/);
    if (name === 'Chart as SVG') {
      // The file names its lines: the legend is written in below the plot, inside the image.
      const svg = readFileSync(await file.path(), 'utf8');
      const root = /<svg[^>]*>/.exec(svg)?.[0] ?? '';
      const attr = (k: string) => Number(new RegExp(`\\s${k}="(\\d+)"`).exec(root)?.[1]);
      const [width, height] = [attr('width'), attr('height')];
      expect(width).toBeGreaterThan(0);
      const legend = [
        ...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"[^>]*data-legend[^>]*>([^<]*)</g),
      ];
      expect(legend.map((m) => m[3]).join(' | ')).toMatch(/■ .*train/i);
      for (const [, x, y, label] of legend) {
        expect(Number(y)).toBeLessThanOrEqual(height);
        expect(Number(x) + 7 * label!.length).toBeLessThanOrEqual(width + 7);
      }
    }
  }
  expect(violations()).toEqual([]);

  // The listener above is live: an injected inline script is refused and reported.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.appendChild(s);
  });
  await expect.poll(() => violations().length).toBeGreaterThan(0);
  expect(
    await page.evaluate(() => (window as { __inlineRan?: boolean }).__inlineRan),
  ).toBeUndefined();
  expect(violations().join('\n')).toContain('script-src');
});
