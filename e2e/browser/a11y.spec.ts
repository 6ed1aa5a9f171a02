import { Page } from '@playwright/test';
import { chooseLanguage, expect, expectAccessible, isPhone, test } from './fixtures';
import { login, useEnglish } from './helpers';

/** Every screen there is, signed out and signed in (as the demo admin). */
const SIGNED_OUT = ['/login', '/signup', '/forgot-password', '/reset-password?token=pr_x', '/accept-invitation?token=iv_x'];
const SIGNED_IN = [
  '/clients',
  '/clients/import',
  '/settings/users',
  '/settings/sites',
  '/settings/custom-fields',
  '/settings/api-keys',
  '/settings/webhooks',
  '/conversations',
  '/boards',
  '/tasks',
  '/reports',
];

/** The page scrolls vertically only. */
async function expectNoSideways(page: Page, what: string) {
  // A phone's layout viewport (innerWidth) grows past the screen when anything is too wide.
  const overflow = await page.evaluate(() => {
    const root = document.documentElement;
    const viewport = window.visualViewport?.width ?? root.clientWidth;
    return Math.max(root.scrollWidth - root.clientWidth, window.innerWidth > viewport + 20 ? window.innerWidth - viewport : 0);
  });
  expect(overflow, `${what} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

/** On a phone, every visible control one taps is at least 44 px high: buttons, fields, the
 * brand, links in tables and lists (a client's name, a tag, WhatsApp), a card's title; a checkbox counts with
 * its label, or else with its margin (28 px and 8 px around): that is where a finger lands. */
async function expectTapTargets(page: Page, what: string) {
  if (!isPhone(page)) return;
  const small = await page.evaluate(() =>
    Array.from(document.querySelectorAll('button, a.button, nav a, .brand, .whatsapp, td a, .card-title, input, select, .tabs a'))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        const tick = (el as HTMLInputElement).type === 'checkbox' || (el as HTMLInputElement).type === 'radio';
        const label = tick ? el.closest('label') : null;
        const box = label
          ? label.getBoundingClientRect().height // the whole label toggles it
          : tick
            ? r.height + parseFloat(style.marginTop) + parseFloat(style.marginBottom)
            : r.height;
        return r.width > 0 && r.height > 0 && box < 44 && style.visibility !== 'hidden';
      })
      .map((el) => `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30)}" ${Math.round(el.getBoundingClientRect().height)}px`),
  );
  expect(small, `tap targets under 44 px on ${what}`).toEqual([]);
}

async function check(page: Page, path: string) {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('h1').first()).toBeVisible();
  await expectAccessible(page, path);
  await expectNoSideways(page, path);
  await expectTapTargets(page, path);
}

for (const lang of ['en', 'pt-BR'] as const) {
  test(`signed-out screens pass axe, fit and are tappable (${lang})`, async ({ page }) => {
    await page.addInitScript((l) => window.localStorage.setItem('prospecta.lang', l), lang);
    for (const path of SIGNED_OUT) {
      await page.goto(path);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await check(page, path);
    }
  });

  test(`signed-in screens pass axe, fit and are tappable (${lang})`, async ({ page }) => {
    // Fifteen screens, each loaded, scanned by axe and measured: more than one test's 30 s
    // on a loaded 2-core machine (the Portuguese phone run took 30.6 s in a clean make test).
    test.slow();
    await useEnglish(page);
    await login(page);
    if (lang === 'pt-BR') await chooseLanguage(page, 'pt-BR');
    const client = await page.locator('[data-testid=clients-table] tbody a').first().getAttribute('href');
    // The demo board, and one of its cards open.
    await page.goto('/boards');
    const board = await page.locator('.board-tile a').first().getAttribute('href');
    await page.goto(board!);
    const card = await page.locator('[data-card]').first().getAttribute('data-card');
    for (const path of [...SIGNED_IN, client!, board!, `${board}?card=${card}`]) {
      await page.goto(path);
      await check(page, path);
    }
  });
}

test('a skip link leads past the header, and navigation moves focus to the new heading', async ({ page }) => {
  await useEnglish(page);
  await login(page);
  await page.goto('/clients');
  await expect(page.getByTestId('current-user')).toHaveText('Demo Admin');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();

  await page.goto('/settings/users');
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Websites' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page.locator('#announcer')).toHaveText('Websites');
  // The bell's unread count may lead the title: "(3) Websites · Prospecta".
  await expect(page).toHaveTitle(/^(\(\d+\) )?Websites · Prospecta$/);
});

test('on a phone the navigation and the filters wait behind buttons', async ({ page }) => {
  test.skip(!isPhone(page), 'phone layout');
  await useEnglish(page);
  await login(page);
  const menu = page.getByRole('button', { name: 'Menu' });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await menu.click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/settings/);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();

  await page.goto('/clients');
  await expect(page.getByTestId('filters')).toBeHidden();
  await expect(page.locator('[data-testid=clients-table] tbody tr').first()).toBeInViewport();
  await page.getByRole('button', { name: 'Filters' }).click();
  await expect(page.getByTestId('filters')).toBeVisible();

  await page.locator('[data-testid=clients-table] tbody a').first().click();
  await page.getByRole('link', { name: 'Conversation' }).click();
  await expect(page.locator('#conversation')).toBeInViewport();
});
