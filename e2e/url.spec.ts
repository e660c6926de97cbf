import { TINY, expect, query, test } from './fixtures';

test('reloading the URL restores the configuration', async ({ lab, page }) => {
  await page.goto(query(TINY));
  await expect(lab.number('lrMax')).toHaveValue('0.05');
  await expect(lab.number('batchSize')).toHaveValue('16');
  await expect(page.getByLabel('Model')).toHaveValue('shallow3');

  await lab.number('epochs').fill('3');
  await lab.number('epochs').press('Enter');
  await expect(page).toHaveURL(/epochs=3/);

  await page.reload();
  await expect(lab.number('epochs')).toHaveValue('3');
  await expect(lab.number('lrMax')).toHaveValue('0.05');
  await expect(page.getByLabel('Model')).toHaveValue('shallow3');
});

test('a hostile link falls back to defaults and says what it changed', async ({ lab, page }) => {
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await page.goto(
    query({
      model: '<img src=x onerror=alert(1)>',
      lrMax: 'NaN',
      batchSize: '-5',
      epochs: '1e9',
      bogus: '1',
    }),
  );
  const notice = page.getByTestId('url-notice');
  await expect(notice).toContainText('model');
  await expect(notice).toContainText('lrMax');
  await expect(notice).toContainText('batchSize');
  await expect(notice).toContainText('epochs');
  await expect(page.getByLabel('Model')).toHaveValue('resnet56');
  await expect(lab.number('lrMax')).toHaveValue('0.8');
  await expect(lab.button('Start')).toBeVisible();
  expect(dialogs).toBe(0);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
});
