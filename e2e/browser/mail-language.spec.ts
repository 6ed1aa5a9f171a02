import { execFileSync } from 'node:child_process';
import { chooseLanguage, expect, test } from './fixtures';
import { DEMO_ADMIN, login, useEnglish } from './helpers';

/** One value from the server's database (scripts/with-server.sh sets E2E_DATABASE_URL). */
function sql(query: string): string {
  const db = process.env.E2E_DATABASE_URL;
  if (!db) throw new Error('set E2E_DATABASE_URL to read the database');
  return execFileSync('psql', [db, '-qtAc', query], { encoding: 'utf8' }).trim();
}

test('the language chosen in the app is the one its e-mails speak', async ({ page }) => {
  const email = DEMO_ADMIN.email;
  const lang = () => sql(`SELECT lang FROM users WHERE email = '${email}'`);
  const lastSubject = () =>
    sql(`SELECT subject FROM email_outbox WHERE to_address = '${email}' ORDER BY created_at DESC, id DESC LIMIT 1`);
  await useEnglish(page);
  await login(page);
  await expect.poll(lang).toBe('en');

  // Switched in the header: the server knows at once, and the next mail is in Portuguese.
  await chooseLanguage(page, 'pt-BR');
  await expect.poll(lang).toBe('pt-BR');
  expect((await page.request.post('/api/v1/auth/password-reset', { data: { email } })).status()).toBe(202);
  await expect.poll(lastSubject).toBe('[Prospecta] Redefina sua senha');

  await chooseLanguage(page, 'en');
  await expect.poll(lang).toBe('en');
  expect((await page.request.post('/api/v1/auth/password-reset', { data: { email } })).status()).toBe(202);
  await expect.poll(lastSubject).toBe('[Prospecta] Reset your password');
});
