import { expect, navigate, test } from './fixtures';
import { invite, login, unique, useEnglish } from './helpers';

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
  await login(page);
});

test('an admin creates, renames, re-keys and deletes a site', async ({ page }) => {
  await navigate(page, 'Settings');
  await page.getByRole('link', { name: 'Websites' }).click();
  await expect(page).toHaveURL(/\/settings\/sites$/);

  const name = `Landing ${unique()}`;
  const form = page.getByTestId('new-site');
  await form.getByLabel('Address (URL)').fill('not a url');
  await form.getByLabel('Name').fill(name);
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.locator('[data-field=url]')).toContainText('http(s) URL');

  await form.getByLabel('Address (URL)').fill('https://landing.example.com');
  await form.getByRole('button', { name: 'Create' }).click();
  const row = page.locator(`tr[data-site="${name}"]`);
  await expect(row).toBeVisible();
  const key = await row.locator('.public-key').innerText();
  expect(key).toMatch(/^site_[0-9a-f]{24}$/);

  // Rotating breaks installed forms and widgets: it asks first, and a "no" changes nothing.
  page.once('dialog', (d) => d.dismiss());
  await row.getByRole('button', { name: 'New key' }).click();
  await expect(row.locator('.public-key')).toHaveText(key);
  page.once('dialog', (d) => {
    expect(d.message()).toContain('stop sending leads');
    return d.accept();
  });
  await row.getByRole('button', { name: 'New key' }).click();
  await expect(row.locator('.public-key')).not.toHaveText(key);

  await row.getByRole('button', { name: 'Edit' }).click();
  await row.locator('input[name=rename]').fill(`${name} v2`);
  await row.getByRole('button', { name: 'Save' }).click();
  const renamed = page.locator(`tr[data-site="${name} v2"]`);
  await expect(renamed).toBeVisible();
  await expect(renamed).toContainText('https://landing.example.com');

  page.once('dialog', (d) => { expect(d.message()).toBe(`Delete the website ${name} v2 and its chat for good?`); return d.accept(); });
  await renamed.getByRole('button', { name: 'Delete' }).click();
  await expect(renamed).toHaveCount(0);
});

test('an admin invites an agent, who joins; the admin promotes and disables them', async ({ page, browser }) => {
  await page.goto('/settings/users');
  const email = `agent-${unique()}@example.com`;
  const form = page.getByTestId('invite-user');
  await form.getByLabel('Name').fill('Carla Dias');
  await form.getByLabel('E-mail').fill('admin@demo.prospecta.dev');
  await form.getByRole('button', { name: 'Send invitation' }).click();
  await expect(form.locator('[data-field=email]')).toContainText('already a user of your account');

  const token = await invite(page, 'Carla Dias', email);
  const pending = page.getByTestId('invitations-table').locator(`tr[data-email="${email}"]`);
  await expect(pending.locator('.status')).toContainText('Expires');

  const carla = await (await browser.newContext()).newPage();
  await useEnglish(carla);
  await carla.goto(`/accept-invitation?token=${token}`);
  await expect(carla.getByRole('heading', { name: 'Join your team' })).toBeVisible();
  await carla.getByLabel('Password').fill('short');
  await carla.getByRole('button', { name: 'Join' }).click();
  await expect(carla.locator('[data-field=password]')).toContainText('at least 10');
  await carla.getByLabel('Password').fill('carla long password');
  await carla.getByRole('button', { name: 'Join' }).click();
  await expect(carla).toHaveURL(/\/clients$/);
  await expect(carla.getByTestId('current-user')).toHaveText('Carla Dias');

  await page.reload();
  await expect(pending).toHaveCount(0);
  const row = page.getByTestId('users-table').locator(`tr[data-email="${email}"]`);
  await expect(row.locator('.role')).toHaveText('Agent');
  // Promoting and disabling ask first, naming the person; declined, nothing changes.
  page.once('dialog', (d) => d.dismiss());
  await row.getByRole('button', { name: 'Admin' }).click();
  await expect(row.locator('.role')).toHaveText('Agent');
  page.once('dialog', (d) => { expect(d.message()).toMatch(/^Make .+ an admin \(every client, every setting\)\?$/); return d.accept(); });
  await row.getByRole('button', { name: 'Admin' }).click();
  await expect(row.locator('.role')).toHaveText('Admin');
  page.once('dialog', (d) => { expect(d.message()).toMatch(/^Disable .+\? They can no longer sign in\./); return d.accept(); });
  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(row.locator('.status')).toHaveText('Disabled');
});

test('a revoked invitation link no longer works', async ({ page, browser }) => {
  const email = `revoked-${unique()}@example.com`;
  const token = await invite(page, 'Davi Reis', email);
  const pending = page.getByTestId('invitations-table').locator(`tr[data-email="${email}"]`);
  page.once('dialog', (d) => d.accept());
  await pending.getByRole('button', { name: 'Revoke' }).click();
  await expect(pending).toHaveCount(0);

  const davi = await (await browser.newContext()).newPage();
  await useEnglish(davi);
  await davi.goto(`/accept-invitation?token=${token}`);
  await davi.getByLabel('Password').fill('davi long password');
  await davi.getByRole('button', { name: 'Join' }).click();
  await expect(davi.getByRole('alert')).toContainText('revoked');
  await expect(davi).toHaveURL(/accept-invitation/);
});

test('an API key is shown once and can be revoked', async ({ page }) => {
  await page.goto('/settings/api-keys');
  const name = `Bot ${unique()}`;
  const form = page.getByTestId('new-api-key');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('contacts:read').check();
  await form.getByRole('button', { name: 'Create' }).click();
  const secret = await page.getByTestId('api-key-secret').innerText();
  expect(secret).toMatch(/^psk_[0-9a-f]{56}$/);

  const row = page.locator(`tr[data-key="${name}"]`);
  await expect(row).toContainText('contacts:read, leads:ingest');
  await expect(page.getByTestId('api-keys-table')).not.toContainText(secret);

  const whoami = await page.request.get('/api/v1/integration/whoami', { headers: { 'x-api-key': secret } });
  expect(whoami.status()).toBe(200);
  page.once('dialog', (d) => {
    expect(d.message()).toContain('stops working at once');
    return d.accept();
  });
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row.locator('.status')).toHaveText('Revoked');
  const refused = await page.request.get('/api/v1/integration/whoami', { headers: { 'x-api-key': secret } });
  expect(refused.status()).toBe(401);
});

test('an agent sees settings read-only', async ({ page, browser }) => {
  const email = `reader-${unique()}@example.com`;
  const token = await invite(page, 'Read Only', email);

  const agent = await (await browser.newContext()).newPage();
  await useEnglish(agent);
  await agent.goto(`/accept-invitation?token=${token}`);
  await agent.getByLabel('Password').fill('initial password');
  await agent.getByRole('button', { name: 'Join' }).click();
  await expect(agent.getByTestId('current-user')).toHaveText('Read Only');
  await agent.goto('/settings/sites');
  await expect(agent.getByText('Only admins can change these settings.')).toBeVisible();
  await expect(agent.getByTestId('new-site')).toHaveCount(0);
  await agent.goto('/settings/api-keys');
  // Signed in again (the refresh finished) before checking what is absent, and before
  // leaving: a navigation that aborts a refresh in flight can lose the rotated cookie.
  await expect(agent.getByTestId('current-user')).toHaveText('Read Only');
  await expect(agent.getByTestId('api-keys-table')).toHaveCount(0);
  // A screen agents may not use says so at once, before any work.
  await agent.goto('/clients/import');
  await expect(agent.getByTestId('admins-only')).toContainText('Only admins can import');
  await expect(agent.getByTestId('csv-file')).toHaveCount(0);
});
