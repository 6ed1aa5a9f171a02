import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, Page } from '@playwright/test';

/**
 * Every test fails on a console error or an uncaught exception in its page. API answers in
 * the 4xx range that the screen handles (a wrong password, a field error) are logged by
 * Chromium as "Failed to load resource"; those are expected, anything else is not.
 */
/**
 * The time as the server sees it: E2E_FAKETIME is the offset in seconds that scripts/e2e-at.sh
 * moved the database's and the server's clocks by (libfaketime); 0 otherwise. The browser keeps
 * the real clock (a test that needs the server's "today" installs its page's clock at `now()`).
 */
export const now = () => Date.now() + Number(process.env.E2E_FAKETIME ?? 0) * 1000;

/** Installs `page`'s clock (timers too) at `time`, running. */
export async function installClock(page: Page, time: number) {
  await page.clock.install({ time });
}

export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
          errors.push(m.text());
        }
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Fails on any serious or critical axe-core violation on the page as it is now. */
export async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `axe on ${what}`).toEqual([]);
}

/** Whether the test runs in the phone project (narrow viewport, touch). */
export const isPhone = (page: Page) => (page.viewportSize()?.width ?? 1366) < 600;

/** Opens the phone menu (navigation, language, log out) when it is collapsed. */
export async function openMenu(page: Page) {
  const toggle = page.locator('.menu-toggle');
  if ((await toggle.isVisible()) && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

/** Follows a main-navigation link. */
export async function navigate(page: Page, name: string | RegExp) {
  await openMenu(page);
  await page.getByRole('navigation', { name: /Main|Principal/ }).getByRole('link', { name }).click();
}

export async function logOut(page: Page) {
  await openMenu(page);
  await page.getByRole('button', { name: /Log out|Sair/ }).click();
  // The login page is a page load of its own (frontend/login.js).
  await page.waitForURL(/\/login$/);
}

/** Switches the language with the header's switch. */
export async function chooseLanguage(page: Page, code: 'en' | 'pt-BR') {
  await openMenu(page);
  await page.locator('header select.lang').selectOption(code);
}

/** Shows the client list's filters (behind a "Filters" button on a phone). */
export async function openFilters(page: Page) {
  const toggle = page.getByRole('button', { name: /^(Filters|Filtros)/ });
  if ((await toggle.isVisible()) && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}
