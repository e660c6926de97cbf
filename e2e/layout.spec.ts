/**
 * Issue 14, layouts and access: on a phone the run comes before the settings and a tab changes
 * what is in view; the keyboard reaches Start at once and never loses the focus. Screenshots at
 * the three sizes the issue was tried at are kept as artefacts.
 */
import { TINY, expect, query, test } from './fixtures';

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
  { width: 390, height: 844 },
];

for (const size of SIZES) {
  test(`at ${size.width}x${size.height} Start and the loss chart come before the settings`, async ({
    lab,
    page,
  }, testInfo) => {
    await page.setViewportSize(size);
    await page.route('**/data/**', (route) => route.abort());
    await page.goto(query({ ...TINY }));
    const start = lab.button('Start');
    const box = (await start.boundingBox())!;
    // On the first screen, without scrolling past any setting.
    expect(box.y + box.height).toBeLessThanOrEqual(size.height);
    const settings = (await page.locator('.settings-panel').boundingBox())!;
    const chart = (await lab.chart.boundingBox())!;
    if (size.width < 900) expect(chart.y).toBeLessThan(settings.y);
    await testInfo.attach(`train-${size.width}x${size.height}.png`, {
      body: await page.screenshot(),
      contentType: 'image/png',
    });

    // A tab changes what is on the first screen, not something far below it.
    await page.getByRole('tab', { name: 'LR range test' }).click();
    const heading = page.getByRole('heading', { name: /LR range test/ }).first();
    await expect(heading).toBeInViewport();
    await testInfo.attach(`range-${size.width}x${size.height}.png`, {
      body: await page.screenshot(),
      contentType: 'image/png',
    });
  });
}

test('on a phone the settings fold into groups that open from the keyboard', async ({
  lab,
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(query({ ...TINY }));
  // Measured once the page has settled (the data loaded, the time estimate shown): what a
  // student sees, not whichever notice happened to be drawn first.
  await expect(lab.button('Start')).toBeEnabled({ timeout: 60_000 });
  await expect(page.getByText(/These settings take about/)).toBeVisible();
  // Start and the top of the loss chart within the first ~900 px of the page.
  const start = (await lab.button('Start').boundingBox())!;
  const chart = (await lab.chart.boundingBox())!;
  expect(start.y + start.height).toBeLessThanOrEqual(900);
  expect(chart.y).toBeLessThan(900);
  // Closed at first: the settings are a few headings long, not every control.
  const model = page.getByTestId('control.model.select');
  await expect(model).toBeHidden();
  const toggle = page.getByTestId('settings.data.toggle');
  await expect(toggle).toHaveText('Network and data');
  const settings = (await page.locator('.settings-panel').boundingBox())!;
  const schedule = (await page.getByTestId('settings.schedule.toggle').boundingBox())!;
  expect(schedule.y - settings.y).toBeLessThan(600);
  await testInfo.attach('settings-folded-390x844.png', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });

  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(model).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(model).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Space');
  await expect(model).toBeHidden();
});

test('the keyboard reaches Start in two presses and the focus is never dropped', async ({
  lab,
  page,
}) => {
  await page.goto(query({ ...TINY, trainSize: '32', valSize: '16', epochs: '1', backend: 'cpu' }));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: /Skip to Start/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(lab.button('Start')).toBeFocused();

  await page.keyboard.press('Enter');
  // Start disables under the focus: the focus moves on to Pause, not to the body.
  await expect(lab.button('Pause')).toBeFocused();
  await expect(lab.status).toContainText(/done|stopped/i, { timeout: 240_000 });
  await expect(lab.button('Start')).toBeFocused();
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(false);
});
