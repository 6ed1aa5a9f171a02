import { Page } from '@playwright/test';
import { expect, navigate, test } from './fixtures';
import { login, useEnglish } from './helpers';

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
  await login(page);
});

/**
 * Holds the answers to `pattern` until the returned function is called: a user who moves on
 * before a slow answer arrives. The fixture fails the test on any console error, so a screen
 * that reads its (disposed) state when the late answer lands shows up as a failure.
 */
async function holdAnswers(page: Page, pattern: RegExp) {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(pattern, async (route) => {
    await held;
    await route.continue();
  });
  return async () => {
    const answered = page.waitForResponse(pattern);
    release();
    await answered;
    // Let the app handle the late answer before the fixture looks at the console.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
  };
}

test('leaving the client list before it has loaded logs no error', async ({ page }) => {
  const release = await holdAnswers(page, /\/api\/v1\/contacts\?/);
  await page.goto('/clients');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Clients');
  await navigate(page, 'Tasks');
  await expect(page).toHaveURL(/\/tasks$/);
  await release();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My tasks');
});

test('leaving a board before its cards have loaded logs no error', async ({ page }) => {
  await page.goto('/boards');
  await page.getByRole('link', { name: 'Vendas' }).click();
  await expect(page).toHaveURL(/\/boards\/[0-9a-f-]+/);
  const boardUrl = page.url();
  const release = await holdAnswers(page, /\/api\/v1\/boards\/[0-9a-f-]+\/cards/);
  await page.goto(boardUrl);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vendas');
  await navigate(page, 'Tasks');
  await expect(page).toHaveURL(/\/tasks$/);
  await release();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My tasks');
});
