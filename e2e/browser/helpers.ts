import { expect, Page } from '@playwright/test';

export const DEMO_ADMIN = { email: 'admin@demo.prospecta.dev', password: 'prospecta-demo' };

/** A unique suffix so tests can run against a database that outlives them. */
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function login(page: Page, email = DEMO_ADMIN.email, password = DEMO_ADMIN.password) {
  await page.goto('/login');
  await page.getByLabel(/E-mail/).fill(email);
  await page.getByLabel(/Password|Senha/).fill(password);
  await page.locator('form button[type=submit]').click();
  await expect(page.getByTestId('current-user')).toBeVisible();
}

/** Pins the UI language before the app reads it. */
export async function useEnglish(page: Page) {
  await page.addInitScript(() => {
    if (!window.localStorage.getItem('prospecta.lang')) window.localStorage.setItem('prospecta.lang', 'en');
  });
}
