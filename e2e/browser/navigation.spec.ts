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

test('moving between pages keeps one shell: notifications and desk counts load once', async ({ page }) => {
  const shellCalls: string[] = [];
  page.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    if (path === '/api/v1/notifications' || path === '/api/v1/conversations/counts') shellCalls.push(path);
  });
  await page.goto('/clients');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Clients');
  await expect.poll(() => shellCalls.length).toBeGreaterThanOrEqual(2);
  const afterFirstPage = shellCalls.length;
  for (const [link, url] of [['Boards', /\/boards$/], ['Tasks', /\/tasks$/], ['Settings', /\/settings\/users$/]] as const) {
    await navigate(page, link);
    await expect(page).toHaveURL(url);
  }
  // The settings' own sub-pages change inside their panel, under the same shell too.
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Sites' }).click();
  await expect(page).toHaveURL(/\/settings\/sites$/);
  await navigate(page, 'Clients');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Clients');
  expect(shellCalls.length, shellCalls.join(', ')).toBe(afterFirstPage);
});
