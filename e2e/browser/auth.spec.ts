import { expect, test } from '@playwright/test';
import { DEMO_ADMIN, login, unique, useEnglish } from './helpers';

test.beforeEach(async ({ page }) => useEnglish(page));

test('signed-out visitors are sent to the login page', async ({ page }) => {
  await page.goto('/settings/users');
  await expect(page).toHaveURL(/\/login$/);
});

test('a wrong password shows the server message and keeps the user out', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(DEMO_ADMIN.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('wrong');
  await expect(page).toHaveURL(/\/login$/);
});

test('the demo admin logs in, sees the navigation, survives a reload and logs out', async ({ page }) => {
  await login(page);
  await expect(page).toHaveURL(/\/clients$/);
  for (const item of ['Clients', 'Conversations', 'Boards', 'Tasks', 'Settings']) {
    await expect(page.getByRole('navigation').getByRole('link', { name: item })).toBeVisible();
  }
  await page.reload();
  await expect(page.getByTestId('current-user')).toHaveText('Demo Admin');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/clients');
  await expect(page).toHaveURL(/\/login$/);
});

test('sign-up creates an account and names invalid fields', async ({ page }) => {
  await page.goto('/signup');
  await page.getByLabel('Company name').fill('Loja Teste');
  await page.getByLabel('Name', { exact: true }).fill('Paula');
  await page.getByLabel('E-mail').fill(`paula-${unique()}@example.com`);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('[data-field=password]')).toContainText('at least 10');

  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/settings\/sites$/);
  await expect(page.getByTestId('current-user')).toHaveText('Paula');
});

test('the interface switches to Brazilian Portuguese and remembers it', async ({ page }) => {
  await login(page);
  await page.locator('select.lang').selectOption('pt-BR');
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Clientes' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sair' })).toBeVisible();
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Entrar' })).toBeVisible();
});
