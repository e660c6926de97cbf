import { expect, test } from '@playwright/test';

test('the guided recipe opens at step 1, explains it, and ends with a shareable link', async ({
  page,
}) => {
  await page.goto('/?mode=recipe');
  const step1 = page.getByTestId('recipe.step.range');
  await expect(step1).toHaveAttribute('aria-current', 'step');
  await expect(step1.getByTestId('recipe.explain')).toContainText('stop improving');
  // Skipping the range test moves on and the URL follows.
  await page.getByTestId('recipe.skip').click();
  await expect(page.getByTestId('recipe.step.batch')).toHaveAttribute('aria-current', 'step');
  await expect(page).toHaveURL(/recipeStep=2/);
  for (let i = 0; i < 3; i++) await page.getByTestId('recipe.accept').click();
  const link = page.getByTestId('recipe.link');
  await expect(link).toHaveAttribute('href', /mode=train/);
  await expect(link).toHaveAttribute('href', /schedule=onecycle/);
  await expect(page).toHaveURL(/recipeStep=5/);
});
