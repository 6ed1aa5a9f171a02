import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';
import { login, unique, useEnglish } from './helpers';

// A customer's web page on another origin (its own port on loopback), with a contact form
// that posts to Prospecta's public lead endpoint with the site key, as README describes.
let customer: Server;
let customerPort = 0;

function formPage(api: string, siteKey: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme contact</title></head><body>
<form id="contact"><label>E-mail <input name="email" type="email"></label><button>Send</button></form>
<p id="result">waiting</p>
<script>
document.getElementById('contact').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const email = new FormData(ev.target).get('email');
  try {
    const res = await fetch(${JSON.stringify(api)} + '/api/v1/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-site-key': ${JSON.stringify(siteKey)} },
      body: JSON.stringify({ email, source: 'website-form' }),
    });
    document.getElementById('result').textContent = 'status ' + res.status;
  } catch (e) {
    document.getElementById('result').textContent = 'blocked';
  }
});
</script></body></html>`;
}

test.beforeAll(async () => {
  customer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://customer');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(formPage(url.searchParams.get('api') ?? '', url.searchParams.get('key') ?? ''));
  });
  await new Promise<void>((resolve) => customer.listen(0, '127.0.0.1', resolve));
  customerPort = (customer.address() as AddressInfo).port;
});

test.afterAll(async () => {
  await new Promise((resolve) => customer.close(resolve));
});

test('a form on a customer page posts a lead across origins, only from the allowed origin', async ({ page, context, baseURL }) => {
  await useEnglish(page);
  await login(page);
  await page.goto('/settings/sites');
  const name = `Shop ${unique()}`;
  const form = page.getByTestId('new-site');
  await form.getByLabel('Name').fill(name);
  await form.getByRole('button', { name: 'Create' }).click();
  const row = page.locator(`tr[data-site="${name}"]`);
  await expect(row.getByTestId('allowed-origins')).toContainText('any');
  const key = await row.locator('.public-key').innerText();

  const allowed = `http://127.0.0.1:${customerPort}`;
  await row.getByRole('button', { name: 'Edit' }).click();
  await row.getByLabel('Allowed origins').fill('https://bad origin');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.locator('[data-field=allowed_origins]')).toContainText('origin');
  await row.getByLabel('Allowed origins').fill(allowed);
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator(`tr[data-site="${name}"]`).getByTestId('allowed-origins')).toContainText(allowed);

  const query = `?api=${encodeURIComponent(baseURL ?? '')}&key=${encodeURIComponent(key)}`;
  const email = `cors-${unique()}@example.com`;
  const shop = await context.newPage();
  await shop.goto(`${allowed}/contato${query}`);
  await shop.getByLabel('E-mail').fill(email);
  await shop.getByRole('button', { name: 'Send' }).click();
  await expect(shop.locator('#result')).toHaveText('status 202');
  // The same visitor sends the form again: the client is not changed, the submission is logged.
  await shop.reload();
  await shop.getByLabel('E-mail').fill(email);
  await shop.getByRole('button', { name: 'Send' }).click();
  await expect(shop.locator('#result')).toHaveText('status 202');

  // The same page served from an origin the site does not list cannot post.
  const other = await context.newPage();
  await other.goto(`http://localhost:${customerPort}/contato${query}`);
  await other.getByLabel('E-mail').fill(`other-${email}`);
  await other.getByRole('button', { name: 'Send' }).click();
  await expect(other.locator('#result')).toHaveText('blocked');

  await page.goto(`/clients?q=${encodeURIComponent(email)}`);
  await expect(page.getByText(email)).toBeVisible();
  await page.locator('tr', { hasText: email }).getByRole('link').first().click();
  await expect(page.locator('li[data-field=submitted_again]')).toContainText('Submitted a form again with');
  await expect(page.locator('li[data-field=submitted_again]')).toContainText(`E-mail: ${email}`);
  await page.goto(`/clients?q=${encodeURIComponent(email)}`);
  await page.goto(`/clients?q=${encodeURIComponent(`other-${email}`)}`);
  await expect(page.getByText(`other-${email}`)).toHaveCount(0);
});
