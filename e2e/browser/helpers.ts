import { execFileSync } from 'node:child_process';
import { expect, Page } from '@playwright/test';

export const DEMO_ADMIN = { email: 'admin@demo.prospecta.dev', password: 'prospecta-demo' };

/** A unique suffix so tests can run against a database that outlives them. */
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
/** Unique and letters only: the chat bot takes no long number as a name. */
export const uniqueName = () => unique().replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]);

/** A São Paulo mobile no other run has (clients are matched by phone), and how the SPA shows it. */
export function uniquePhone() {
  const d = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  return { e164: `+55119${d}`, shown: `(11) 9${d.slice(0, 4)}-${d.slice(4)}` };
}

export async function login(page: Page, email = DEMO_ADMIN.email, password = DEMO_ADMIN.password) {
  await page.goto('/login');
  await page.getByLabel(/E-mail/).fill(email);
  await page.getByLabel(/Password|Senha/).fill(password);
  await page.locator('form button[type=submit]').click();
  // On a phone the name sits in the collapsed menu: present, not visible.
  await expect(page.getByTestId('current-user')).toHaveText(/\S/);
}

/** Pins the UI language before the app reads it. */
/** A bearer header for the demo admin, for setting a scene through the API. */
export async function adminToken(page: Page): Promise<Record<string, string>> {
  const signIn = await page.request.post('/api/v1/auth/login', { data: DEMO_ADMIN });
  return { authorization: `Bearer ${(await signIn.json()).access_token}` };
}

export async function useEnglish(page: Page) {
  await page.addInitScript(() => {
    if (!window.localStorage.getItem('prospecta.lang')) window.localStorage.setItem('prospecta.lang', 'en');
  });
}

/**
 * The token of the link starting `linkStart` in the newest e-mail to `to`, read from the
 * server's outbox (scripts/with-server.sh sets E2E_DATABASE_URL), as the recipient would click it.
 */
export function mailedToken(to: string, linkStart: string): string {
  const db = process.env.E2E_DATABASE_URL;
  if (!db) throw new Error('set E2E_DATABASE_URL to read e-mailed links');
  const sql = `SELECT body FROM email_outbox WHERE to_address = '${to.toLowerCase()}' ORDER BY created_at DESC LIMIT 1`;
  // Some mail (a password reset) is written just after the answer: look again for a while.
  let body = '';
  for (let tries = 0; tries < 50 && !body.includes(linkStart); tries++) {
    if (tries) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    body = execFileSync('psql', [db, '-qtAc', sql], { encoding: 'utf8' });
  }
  const at = body.indexOf(linkStart);
  if (at < 0) throw new Error(`no ${linkStart} link in the mail to ${to}: ${body}`);
  return body.slice(at + linkStart.length).match(/^[A-Za-z0-9_]+/)![0];
}

/** Invites a user from Settings → Users as the signed-in admin; returns their invitation token. */
export async function invite(page: Page, name: string, email: string): Promise<string> {
  await page.goto('/settings/users');
  const form = page.getByTestId('invite-user');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('E-mail').fill(email);
  await form.getByRole('button', { name: 'Send invitation' }).click();
  await expect(form.getByRole('status')).toContainText(email);
  return mailedToken(email, '/accept-invitation?token=');
}

/**
 * Creates a website of its own in Settings (so a test's rules touch no other test's chats)
 * and returns its table row and public key.
 */
export async function createSite(page: Page, name: string) {
  await page.goto('/settings/sites');
  const form = page.locator('form').filter({ has: page.locator('input[name=url]') });
  await form.getByLabel('Name').fill(name);
  await form.getByRole('button', { name: 'Create' }).click();
  const row = page.locator(`tr[data-site="${name}"]`);
  await expect(row).toBeVisible();
  const siteKey = (await row.locator('code.public-key').innerText()).trim();
  return { row, siteKey };
}
