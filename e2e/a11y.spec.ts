/**
 * Accessibility: an axe-core scan of every mode (WCAG 2.1 A/AA rules) finds no serious or
 * critical violation; the keyboard reaches Start early and focus is never dropped to the body.
 */
import AxeBuilder from '@axe-core/playwright';
import { LAB_MODES } from '../src/core/config';
import { TINY, expect, query, test } from './fixtures';
import { seedSpeed } from './speed';

for (const mode of LAB_MODES) {
  test(`axe: the ${mode} mode has no serious or critical violation`, async ({ page }, testInfo) => {
    await seedSpeed(page);
    // The scan is of the page, not the data: no shards needed.
    await page.route('**/data/**', (route) => route.abort());
    await page.goto(query({ ...TINY, mode }));
    await expect(page.getByRole('tab', { selected: true })).toBeVisible();
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    await testInfo.attach(`axe-${mode}.json`, {
      body: JSON.stringify(results.violations, null, 1),
      contentType: 'application/json',
    });
    const summary = bad.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
    );
    expect(summary).toEqual([]);
  });
}
