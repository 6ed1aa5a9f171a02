import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

import { expect, test } from './fixtures';
import { DEMO_ADMIN, login, unique, useEnglish } from './helpers';

type Received = { headers: IncomingMessage['headers']; body: string };

/** A webhook receiver on loopback that answers 200 and keeps every request. */
async function receiver(): Promise<{ url: string; seen: Received[]; server: Server }> {
  const seen: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook/${unique()}`, seen, server };
}

/** Standard Webhooks: HMAC-SHA256 of `id.timestamp.body` keyed with the base64 after `whsec_`. */
function signed(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const content = `${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`;
  const expected = `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
  return String(r.headers['webhook-signature']).split(' ').includes(expected);
}

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
  await login(page);
});

test('an admin subscribes a URL, sends a test event and reads the delivery log', async ({ page }) => {
  const hook = await receiver();
  try {
    await page.goto('/settings/webhooks');
    const form = page.getByTestId('new-webhook');
    // Loopback passes in tests (WEBHOOK_ALLOW_PRIVATE); a scheme other than http(s) never.
    await form.getByLabel('Endpoint URL').fill('ftp://example.com');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(form.locator('[data-field=url]')).toContainText('http(s) URL');

    await form.getByLabel('Endpoint URL').fill(hook.url);
    await form.getByLabel('Description').fill('ERP');
    await form.getByLabel('contact.created').check();
    await form.getByLabel('card.won').check();
    await form.getByRole('button', { name: 'Create' }).click();
    const secret = await page.getByTestId('webhook-secret').innerText();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const row = page.locator(`tr[data-webhook="${hook.url}"]`);
    await expect(row).toContainText('card.won, contact.created');
    await expect(row.locator('.status')).toHaveText('Active');
    await expect(page.getByTestId('webhooks-table')).not.toContainText(secret);

    await row.getByRole('button', { name: 'Send test' }).click();
    const log = page.getByTestId('webhook-deliveries');
    await expect(log).toBeVisible();
    await expect.poll(() => hook.seen.length).toBe(1);
    expect(signed(secret, hook.seen[0])).toBe(true);
    expect(JSON.parse(hook.seen[0].body).type).toBe('webhook.test');
    // The log shows it delivered after a reload of the log (the Deliveries toggle).
    await expect(async () => {
      await row.getByRole('button', { name: 'Deliveries' }).click();
      await row.getByRole('button', { name: 'Deliveries' }).click();
      await expect(log.locator('tr[data-delivery]').first()).toContainText('Delivered', { timeout: 500 });
    }).toPass();
    await expect(log.locator('tr[data-delivery]').first()).toContainText('HTTP 200');
    await log.getByRole('button', { name: 'Send again' }).first().click();
    await expect.poll(() => hook.seen.length).toBe(2);
    expect(hook.seen[1].headers['webhook-id']).toBe(hook.seen[0].headers['webhook-id']);

    // A client typed in reaches the subscription.
    const email = `wh-${unique()}@example.com`;
    const login = await page.request.post('/api/v1/auth/login', { data: DEMO_ADMIN });
    const { access_token } = await login.json();
    const created = await page.request.post('/api/v1/contacts', {
      headers: { authorization: `Bearer ${access_token}` },
      data: { name: 'Webhook Client', email },
    });
    expect(created.status()).toBe(201);
    await expect.poll(() => hook.seen.some((r) => r.body.includes(email))).toBe(true);
    const event = JSON.parse(hook.seen.find((r) => r.body.includes(email))!.body);
    expect(event.type).toBe('contact.created');

    await row.getByRole('button', { name: 'Turn off' }).click();
    await expect(row.locator('.status')).toHaveText('Disabled');
    await expect(row.getByRole('button', { name: 'Send test' })).toBeDisabled();
    page.once('dialog', (d) => d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect(row).toHaveCount(0);
  } finally {
    hook.server.close();
  }
});
