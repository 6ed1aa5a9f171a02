import { readFileSync } from 'fs';
import { Page } from '@playwright/test';
import { chooseLanguage, expect, expectAccessible, installClock, now, openFilters, test } from './fixtures';
import { adminToken, DEMO_ADMIN, login, unique, uniquePhone, useEnglish } from './helpers';

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
  await login(page);
});

/** Creates a client through the form and returns on its detail page. */
async function newClient(page: Page, name: string, email: string) {
  await page.goto('/clients');
  await page.getByRole('button', { name: '+ New client' }).click();
  const form = page.getByTestId('new-client');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('E-mail').fill(email);
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('client-name')).toHaveText(name);
}

test('the list has status tabs with counts, and filters live in the URL', async ({ page }) => {
  const tabs = page.getByTestId('status-tabs');
  await expect(tabs.locator('[data-status=""] .count')).not.toHaveText('0');
  const sale = tabs.locator('[data-status="won"]');
  const wonCount = Number(await sale.locator('.count').innerText());
  await sale.click();
  await expect(page).toHaveURL(/status=won/);
  await expect(page.getByTestId('clients-table').locator('tbody tr')).toHaveCount(wonCount);
  await expect(page.getByTestId('clients-table').locator('td.status').first()).toHaveText('Sale');

  await tabs.locator('[data-status=""]').click();
  await openFilters(page);
  await page.getByPlaceholder('Search name, e-mail, phone or notes').fill('maria.silva');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/q=maria.silva/);
  await expect(page.getByTestId('clients-table').locator('tbody tr')).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId('clients-table').locator('tbody tr')).toHaveCount(1);
  await openFilters(page);
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('clients-table').locator('tbody tr')).not.toHaveCount(1);
});

test('a filter is saved by name for the team, applied with its dates, and deleted after confirming', async ({ page }) => {
  await openFilters(page);
  const filters = page.getByTestId('filters');
  await filters.getByPlaceholder('Search name, e-mail, phone or notes').fill('maria.silva');
  await filters.getByLabel('First contact from').fill('2020-01-01');
  await filters.getByLabel('until', { exact: true }).fill('2099-12-31');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('clients-table').locator('tbody tr')).toHaveCount(1);
  const saved = page.getByTestId('saved-filters');
  const name = `Maria ${unique()}`;
  await saved.getByLabel('Filter name').fill(name);
  await saved.getByLabel('Share with the team').check();
  await saved.getByRole('button', { name: 'Save filter' }).click();
  await expect(saved.getByLabel('Filter name')).toHaveValue('');

  await filters.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('clients-table').locator('tbody tr')).not.toHaveCount(1);
  await saved.getByLabel('Saved filters').selectOption({ label: `${name} (shared)` });
  await expect(page).toHaveURL(/q=maria.silva/);
  await expect(page).toHaveURL(/from=2020-01-01&to=2099-12-31/);
  await expect(page.getByTestId('clients-table').locator('tbody tr')).toHaveCount(1);
  await expect(filters.getByLabel('First contact from')).toHaveValue('2020-01-01');
  await expect(filters.getByLabel('until', { exact: true })).toHaveValue('2099-12-31');
  await expectAccessible(page, 'the client list with its saved filters');

  // Deleting asks first; declined, nothing goes.
  page.once('dialog', (d) => d.dismiss());
  await saved.getByRole('button', { name: 'Delete' }).click();
  await expect(saved.getByLabel('Saved filters').locator('option', { hasText: name })).toHaveCount(1);
  page.once('dialog', (d) => { expect(d.message()).toContain(name); return d.accept(); });
  await saved.getByRole('button', { name: 'Delete' }).click();
  await expect(saved.getByLabel('Saved filters').locator('option', { hasText: name })).toHaveCount(0);
});

test('the client screen shows the card, the transcript and walks the list', async ({ page }) => {
  await page.goto('/clients?source=google');
  await page.getByRole('link', { name: 'Maria Silva' }).click();
  const detail = page.getByTestId('client-detail');
  await expect(detail.getByRole('link', { name: 'WhatsApp' })).toHaveAttribute('href', 'https://wa.me/5511987654321');
  await expect(page.getByTestId('transcript')).toContainText('Qual é o seu nome?');
  await page.getByTestId('toggle-transcript').click();
  await expect(page.getByTestId('transcript')).toHaveCount(0);
  await page.getByTestId('toggle-transcript').click();
  await expect(page.getByTestId('transcript')).toBeVisible();

  await page.locator('.detail-nav a.next').click();
  await expect(page).toHaveURL(/source=google/);
  await expect(page.getByTestId('client-name')).not.toHaveText('Maria Silva');
  await page.locator('.detail-nav a.prev').click();
  await expect(page.getByTestId('client-name')).toHaveText('Maria Silva');
});

test('status changes and notes go to the change log', async ({ page }) => {
  const email = `lead-${unique()}@example.com`;
  await newClient(page, 'Teste Log', email);
  await page.getByLabel('Status').selectOption('in_progress');
  const history = page.getByTestId('history');
  await expect(history.locator('li[data-field=status]')).toContainText('To contact → In progress');
  await expect(history.locator('li[data-field=status]')).toContainText('Demo Admin');

  await page.locator('textarea[name=note]').fill('Pediu retorno amanhã às 10h');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByTestId('notes')).toContainText('Pediu retorno amanhã às 10h');
  await expect(page.getByTestId('notes').locator('li', { hasText: 'Pediu retorno' }).locator('.note-meta')).toContainText('Demo Admin · ');
  await expect(history.locator('li[data-field=note]')).toBeVisible();

  await page.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByTestId('edit-client');
  await edit.getByLabel('Phone').fill('not a phone');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit.locator('[data-field=phone]')).toBeVisible();
  // Unique per run: both viewports run this test against one database.
  const digits = String(Date.now()).slice(-8);
  await edit.getByLabel('Phone').fill(`(11) 9${digits.slice(0, 4)}-${digits.slice(4)}`);
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('client-detail').getByRole('link', { name: 'WhatsApp' })).toHaveAttribute('href', `https://wa.me/55119${digits}`);
  // Beside it, a link that dials the number.
  await expect(page.getByTestId('client-detail').getByRole('link', { name: 'Call', exact: true })).toHaveAttribute('href', `tel:+55119${digits}`);

  // "Log a call": a typo in the minutes is refused on the spot, then the call reads as words
  // in the change log.
  await page.getByTestId('log-call').click();
  const callForm = page.getByTestId('call-form');
  await callForm.getByLabel('Outcome').selectOption('answered');
  await callForm.getByLabel('Duration (minutes)').fill('5 e meio');
  await callForm.getByRole('button', { name: 'Save call' }).click();
  await expect(callForm.locator('[data-field=duration_secs]')).toContainText('must be minutes from 0 to 1440');
  await callForm.getByLabel('Duration (minutes)').fill('5,5');
  await callForm.getByLabel('Note').fill('Quer proposta');
  await callForm.getByRole('button', { name: 'Save call' }).click();
  await expect(page.getByText('Call logged')).toBeVisible();
  await expect(callForm).toBeHidden();
  await expect(history.locator('li[data-field=call]')).toContainText('Call Outgoing call · Answered · 5 min 30 s — Quer proposta');
  await chooseLanguage(page, 'pt-BR');
  await expect(history.locator('li[data-field=call]')).toContainText('Ligação Ligação feita · Atendida · 5 min 30 s — Quer proposta');
});

test('a contract is kept on the client: attached, downloaded, in the change log, deleted after confirming', async ({ page }) => {
  await newClient(page, 'Cliente Arquivo', `file-${unique()}@example.com`);
  const files = page.getByTestId('client-detail').getByTestId('attachments');
  await files.locator('input[type=file]').setInputFiles({
    name: 'contrato.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 contrato assinado'),
  });
  const file = files.getByRole('button', { name: 'contrato.pdf', exact: true });
  await expect(file).toBeVisible();
  const history = page.getByTestId('history');
  await expect(history.locator('li[data-field=file]')).toContainText('contrato.pdf');
  const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
  expect(download.suggestedFilename()).toBe('contrato.pdf');
  expect(readFileSync(await download.path()).toString()).toBe('%PDF-1.4 contrato assinado');

  page.once('dialog', (d) => { expect(d.message()).toBe('Delete the file contrato.pdf?'); return d.dismiss(); });
  await files.getByRole('button', { name: 'Delete contrato.pdf' }).click();
  await expect(file).toBeVisible();
  page.once('dialog', (d) => d.accept());
  await files.getByRole('button', { name: 'Delete contrato.pdf' }).click();
  await expect(files.getByRole('button', { name: 'contrato.pdf', exact: true })).toHaveCount(0);
  await expect(history.locator('li[data-field=file]')).toHaveCount(2);
});

test('an admin assigns a client and the agent is notified', async ({ page, browser }) => {
  // The agent is signed in already: the bell and the tab's title change without a reload.
  const agent = await (await browser.newContext()).newPage();
  await useEnglish(agent);
  await login(agent, 'ana@demo.prospecta.dev', 'prospecta-demo');
  const ana = { email: 'ana@demo.prospecta.dev', password: 'prospecta-demo' };
  const token = (await (await agent.request.post('/api/v1/auth/login', { data: ana })).json()).access_token;
  const unread = async () =>
    (await (await agent.request.get('/api/v1/notifications', { headers: { authorization: `Bearer ${token}` } })).json()).unread;
  const before = await unread();
  await expect(agent.getByTestId('notifications').locator('.badge')).toHaveText(String(before));

  await newClient(page, 'Para a Ana', `ana-lead-${unique()}@example.com`);
  await page.getByLabel('Assigned to').selectOption({ label: 'Ana Souza' });
  await expect(page.getByTestId('history').locator('li[data-field=assignee_id]')).toContainText('Ana Souza');

  await expect(agent.getByTestId('notifications').locator('.badge')).toHaveText(String(before + 1));
  await expect(agent).toHaveTitle(new RegExp(`^\\(${before + 1}\\) .*Prospecta$`));
  await agent.getByTestId('notifications').click();
  await expect(agent.getByTestId('notification-list')).toContainText('New lead assigned to you: "Para a Ana"');
  await agent.getByTestId('notification-list').getByRole('button', { name: /Para a Ana/ }).first().click();
  await expect(agent.getByTestId('client-name')).toHaveText('Para a Ana');
  // Agents see the assignee but cannot change it.
  await expect(agent.getByLabel('Assigned to')).toHaveCount(0);
});

test('an admin chooses who receives a site\'s leads', async ({ page }) => {
  await page.goto('/settings/sites');
  const row = page.locator('tr[data-site="Loja Online"]');
  await row.getByRole('button', { name: 'Auto-assignment' }).click();
  const panel = page.getByTestId('auto-assign');
  await panel.getByLabel('Deal new leads of this site in rotation to:').check();
  await panel.getByLabel('Bruno Lima').check();
  // This team does not use the desk's presence (new sites deal only to users online).
  await panel.getByLabel(/Only to users online/).setChecked(false);
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel).toHaveCount(0);
  await row.getByRole('button', { name: 'Auto-assignment' }).click();
  await expect(page.getByTestId('auto-assign').getByLabel('Bruno Lima')).toBeChecked();
  await expect(page.getByTestId('auto-assign').getByLabel('Ana Souza')).not.toBeChecked();
  await expect(page.getByTestId('auto-assign').getByLabel(/Only to users online/)).not.toBeChecked();
});

test('an admin limits a user\'s open chats and new leads', async ({ page }) => {
  await page.goto('/settings/users');
  const row = page.locator('tr[data-email="bruno@demo.prospecta.dev"]');
  const chats = row.getByLabel('Open chats — Bruno Lima');
  const leads = row.getByLabel('New leads / 24 h — Bruno Lima');
  await expect(chats).toHaveValue('');
  await expect(chats).toHaveAttribute('placeholder', 'No limit');
  await chats.fill('3');
  await chats.press('Tab');
  await leads.fill('40');
  await leads.press('Tab');
  await page.reload();
  await expect(row.getByLabel('Open chats — Bruno Lima')).toHaveValue('3');
  await expect(row.getByLabel('New leads / 24 h — Bruno Lima')).toHaveValue('40');
  await expectAccessible(page, 'users with limits');
  // Back to no limits, as the other tests expect.
  for (const input of [row.getByLabel('Open chats — Bruno Lima'), row.getByLabel('New leads / 24 h — Bruno Lima')]) {
    await input.fill('');
    await input.press('Tab');
  }
  await page.reload();
  await expect(row.getByLabel('Open chats — Bruno Lima')).toHaveValue('');
});

test('an admin defines a custom field and fills it on a client', async ({ page }) => {
  const key = `plano_${unique().replace(/[^a-z0-9]/g, '')}`;
  await page.goto('/settings/custom-fields');
  const form = page.getByTestId('new-custom-field');
  await form.getByLabel('Key').fill(key);
  await form.getByLabel('Label').fill('Plano');
  await form.getByLabel('Type').selectOption('select');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.locator('[data-field=options]')).toBeVisible();
  await form.getByLabel('Options (comma-separated)').fill('básico, família');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.locator(`tr[data-key="${key}"]`)).toContainText('básico, família');

  // Rename it and add an option; the key stays.
  await page.locator(`tr[data-key="${key}"]`).getByTestId('edit-field').click();
  const edit = page.getByTestId('edit-custom-field');
  await edit.getByLabel('Label').fill('Plano contratado');
  await edit.getByLabel('Options (comma-separated)').fill('básico, família, empresa');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toHaveCount(0);
  await expect(page.locator(`tr[data-key="${key}"]`)).toContainText('Plano contratado');
  await expect(page.locator(`tr[data-key="${key}"]`)).toContainText('básico, família, empresa');

  await newClient(page, 'Com Plano', `plano-${unique()}@example.com`);
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.locator(`select[name="cf-${key}"]`).selectOption('família');
  await page.getByTestId('edit-client').getByRole('button', { name: 'Save' }).click();
  await expect(page.locator(`dd[data-custom="${key}"]`)).toHaveText('família');
  await expect(page.getByTestId('history').locator('li[data-field=custom_fields]')).toBeVisible();
});

test('the list sorts oldest first on request', async ({ page }) => {
  await page.goto('/clients');
  // The instant behind the cell (its <time datetime>), never the displayed text: "Nov 30" sorts
  // after "Dec 2" as a string.
  const firstDate = async () => {
    const at = await page.getByTestId('clients-table').locator('tbody tr').first().locator('td time').getAttribute('datetime');
    return Date.parse(at ?? '');
  };
  const newest = await firstDate();
  expect(newest).not.toBeNaN();
  await openFilters(page);
  await page.locator('select[name=sort]').selectOption('oldest');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/sort=oldest/);
  await expect.poll(firstDate).not.toBe(newest);
  expect(await firstDate()).toBeLessThan(newest);
});

test('in Portuguese the change log, channels, dates, phones and field errors read as words', async ({ page }) => {
  const email = `pt-${unique()}@example.com`;
  await newClient(page, 'Cliente Português', email);
  await page.getByLabel('Status').selectOption('in_progress');
  const history = page.getByTestId('history');
  await expect(history.locator('li[data-field=status]')).toContainText('To contact → In progress');

  await chooseLanguage(page, 'pt-BR');
  await expect(history.locator('li[data-field=status]')).toContainText('Situação A contatar → Em progresso');
  await expect(history.locator('li[data-field=created]')).toContainText('Criado Manual');
  await expect(history.locator('li[data-field=created] small')).toContainText(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  await expect(page.getByTestId('client-detail')).toContainText('Canal');

  await page.getByRole('button', { name: 'Editar' }).click();
  const edit = page.getByTestId('edit-client');
  await edit.getByLabel('Telefone').fill('123');
  await edit.getByRole('button', { name: 'Salvar' }).click();
  await expect(edit.locator('[data-field=phone]')).toHaveText('deve ser um telefone válido, com DDD');
  const digits = String(Date.now()).slice(-8);
  await edit.getByLabel('Telefone').fill(`11 9${digits}`);
  await edit.getByRole('button', { name: 'Salvar' }).click();
  await expect(page.getByTestId('client-detail')).toContainText(`(11) 9${digits.slice(0, 4)}-${digits.slice(4)}`);
});

test('an empty New client form is refused before anything is sent', async ({ page }) => {
  await page.goto('/clients');
  const posts: string[] = [];
  page.on('request', (r) => r.method() === 'POST' && r.url().includes('/api/v1/contacts') && posts.push(r.url()));
  await page.getByRole('button', { name: '+ New client' }).click();
  const form = page.getByTestId('new-client');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.locator('[data-field=name]')).toHaveText('is required');
  await expect(form.locator('[data-field=email]')).toHaveText('an e-mail or a phone is required');
  await form.getByLabel('Name').fill('Só Nome');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.locator('[data-field=phone]')).toHaveText('an e-mail or a phone is required');
  expect(posts).toEqual([]);
});

test('arrow keys on the status do not save each step; the settled choice saves once and can be undone', async ({ page }) => {
  await newClient(page, 'Teclado', `kb-${unique()}@example.com`);
  const patches: string[] = [];
  page.on('request', (r) => r.method() === 'PATCH' && patches.push(r.postData() ?? ''));
  const status = page.getByLabel('Status');
  await status.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const toast = page.getByTestId('toast');
  await expect(toast).toContainText('Saved');
  expect(patches.map((p) => JSON.parse(p).status)).toEqual(['won']);
  const history = page.getByTestId('history');
  await expect(history.locator('li[data-field=status]')).toHaveCount(1);
  await expect(history.locator('li[data-field=status]')).toContainText('To contact → Sale');

  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('toast')).toContainText('Change undone');
  await expect(history.locator('li[data-field=status]').first()).toContainText('Sale → To contact');
  await expect(page.getByLabel('Status')).toHaveValue('to_contact');
});

test('a field the user is in as the client screen opens keeps the focus; the heading is still announced', async ({ page }) => {
  // After a navigation the SPA moves focus to the new page's heading, on a timer, once the page
  // has rendered. The page's timers are held here so the user's focus comes first, as it can
  // on a busy machine: the arrow keys that follow must reach the field, not the heading.
  await installClock(page, now() - 60_000);
  await page.goto('/clients?status=to_contact');
  const link = page.getByTestId('clients-table').locator('tbody tr a').first();
  const name = await link.innerText();
  await page.clock.pauseAt(now());
  await link.click();
  const status = page.getByLabel('Status');
  await status.focus();
  await page.clock.runFor(2_000);
  await expect(page.locator('#announcer')).toHaveText(name);
  await expect(status).toBeFocused();
});

test('the keyboard walks the list and the client screen, with "3 of 12" and a ? help', async ({ page }) => {
  await page.goto('/clients?status=to_contact');
  const links = page.getByTestId('clients-table').locator('tbody tr a');
  await links.first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(links.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await expect(links.nth(1)).toBeFocused();
  const second = await links.nth(1).innerText();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('client-name')).toHaveText(second);
  await expect(page.getByTestId('place')).toHaveText(/^2 of \d+\+?$/);

  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('j');
  await expect(page.getByTestId('place')).toHaveText(/^3 of /);
  await page.keyboard.press('k');
  await expect(page.getByTestId('place')).toHaveText(/^2 of /);
  await expect(page.getByTestId('client-name')).toHaveText(second);

  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts')).toContainText('Next client in the list');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts')).toHaveCount(0);
  // Typing in a field is typing, not a shortcut.
  await page.locator('textarea[name=note]').fill('jk?');
  await expect(page.getByTestId('place')).toHaveText(/^2 of /);
});

test('a lead sent with a public address shows its approximate place, credited to DB-IP', async ({ page }) => {
  // The server runs with the packaged DB-IP city database (`make tools`, scripts/geoip.sh).
  const signIn = await page.request.post('/api/v1/auth/login', { data: DEMO_ADMIN });
  const auth = { authorization: `Bearer ${(await signIn.json()).access_token}` };
  const key = await page.request.post('/api/v1/api-keys', { headers: auth, data: { name: `geo-${unique()}`, scopes: ['leads:ingest'] } });
  const { secret } = await key.json();
  const lead = await page.request.post('/api/v1/leads', {
    headers: { 'x-api-key': secret },
    data: { name: 'Geo Lead', email: `geo-${unique()}@example.com`, ip: '200.147.67.142' },
  });
  expect(lead.status()).toBe(201);
  const { contact } = await lead.json();

  await page.goto(`/clients/${contact.id}`);
  const location = page.getByTestId('location');
  await expect(location).toContainText('Rio de Janeiro, Rio de Janeiro, BR');
  await expect(location.getByTestId('location-approx')).toContainText('approximate, from the IP address');
  await expect(location.getByRole('link', { name: 'IP Geolocation by DB-IP' })).toHaveAttribute('href', 'https://db-ip.com');
  await expectAccessible(page, 'a client with an approximate location');
  await chooseLanguage(page, 'pt-BR');
  await expect(location.getByTestId('location-approx')).toContainText('aproximada, pelo endereço IP');
});

/** An access token for the demo admin, for setting data up through the API. */
test('selected clients, or all matching the filter, change status and tags and are deleted together', async ({ page }) => {
  const auth = await adminToken(page);
  const tag = `bulk-${unique()}`;
  for (const name of ['Bulk Ana', 'Bulk Beto', 'Bulk Caio']) {
    const res = await page.request.post('/api/v1/contacts', {
      headers: auth,
      data: { name, email: `${name.split(' ')[1].toLowerCase()}-${tag}@example.com`, tags: [tag] },
    });
    expect(res.status()).toBe(201);
  }
  // Found by their e-mails; each row's tag filters the list by it.
  await page.goto(`/clients?q=${tag}`);
  const rows = page.getByTestId('clients-table').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await rows.first().locator('td.tags').getByRole('link', { name: tag }).click();
  await expect(page).toHaveURL(new RegExp(`/clients\\?tag=${tag}$`));
  await expect(rows).toHaveCount(3);

  // One ticked, then every client the filter matches.
  await rows.first().getByRole('checkbox').check();
  const bar = page.getByTestId('bulk-bar');
  await expect(bar.getByTestId('selected-count')).toHaveText('1 selected');
  await bar.getByTestId('select-all-matching').click();
  await expect(bar.getByTestId('selected-count')).toHaveText('3 selected');
  await expectAccessible(page, 'the client list with the bulk bar');
  await bar.getByLabel('Status').selectOption('lost');
  await bar.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('toast')).toContainText('3 changed, 0 skipped');
  await expect(rows.locator('.status-badge[data-status=lost]')).toHaveCount(3);
  await expect(bar).toHaveCount(0);

  // The page's rows, a tag added, in Portuguese.
  await chooseLanguage(page, 'pt-BR');
  await page.getByTestId('select-page').check();
  await expect(bar.getByTestId('selected-count')).toHaveText('3 selecionados');
  await bar.getByPlaceholder('Etiqueta').fill('vip');
  await bar.getByRole('button', { name: 'Adicionar tag' }).click();
  await expect(page.getByTestId('toast')).toContainText('3 alterados, 0 ignorados');
  await expect(rows.first().locator('td.tags .tag')).toHaveText([tag, 'vip']);
  const one = await page.request.get(`/api/v1/contacts/ids?tag=vip`, { headers: auth });
  expect((await one.json()).ids.length).toBeGreaterThanOrEqual(3);

  // Deleted after a confirmation naming the count.
  await page.getByTestId('select-page').check();
  page.once('dialog', (dialog) => {
    expect(dialog.message()).toContain('Excluir 3 clientes definitivamente');
    void dialog.accept();
  });
  await bar.getByTestId('bulk-delete').click();
  await expect(page.getByTestId('toast')).toContainText('3 alterados');
  await expect(rows).toHaveCount(0);
  const audit = await page.request.get('/api/v1/audit?limit=3', { headers: auth });
  expect((await audit.json()).items.map((e: { action: string }) => e.action)).toEqual(Array(3).fill('contact.deleted'));
});

test('an admin deletes a client from its screen after confirming', async ({ page }) => {
  const auth = await adminToken(page);
  const created = await page.request.post('/api/v1/contacts', {
    headers: auth,
    data: { name: 'Erase Me', email: `erase-${unique()}@example.com` },
  });
  const { id } = await created.json();
  await page.goto(`/clients/${id}`);
  page.once('dialog', (dialog) => {
    expect(dialog.message()).toContain('Delete this client for good');
    void dialog.accept();
  });
  await page.getByTestId('delete-client').click();
  await expect(page).toHaveURL(/\/clients$/);
  expect((await page.request.get(`/api/v1/contacts/${id}`, { headers: auth })).status()).toBe(404);
});

test('a duplicate is found by search, compared side by side, confirmed and merged', async ({ page }) => {
  const auth = await adminToken(page);
  const u = unique();
  const phone = uniquePhone();
  const keep = await page.request.post('/api/v1/contacts', { headers: auth, data: { name: `Keep ${u}`, email: `keep-${u}@example.com` } });
  const dup = await page.request.post('/api/v1/contacts', { headers: auth, data: { name: `Dup ${u}`, phone: phone.e164 } });
  const [kept, gone] = [(await keep.json()).id, (await dup.json()).id];
  await page.goto(`/clients/${kept}`);
  await page.getByText('Merge a duplicate').click();
  const picker = page.getByTestId('client-picker');
  await picker.getByLabel('Find the duplicate').fill(`Keep ${u}`);
  await expect(picker.getByRole('button')).toHaveCount(0); // not the client itself
  await picker.getByLabel('Find the duplicate').fill(`Dup ${u}`);
  await picker.getByRole('button', { name: new RegExp(`Dup ${u}`) }).click();

  // Both side by side, with what stays: this client's name, the duplicate's phone.
  const compare = page.getByTestId('merge-compare');
  await expect(compare.getByRole('columnheader', { name: `Dup ${u}` })).toBeVisible();
  const nameRow = compare.getByRole('row', { name: /^Name/ });
  await expect(nameRow.getByRole('cell')).toHaveText([`Keep ${u}`, `Dup ${u}`, `Keep ${u}`]);
  const phoneRow = compare.getByRole('row', { name: /^Phone/ });
  await expect(phoneRow.getByRole('cell')).toHaveText(['', phone.shown, phone.shown]);
  await expect(compare).toContainText(`Merge Dup ${u} into this client?`);
  await expectAccessible(page, 'merge open');
  // Cancel leaves both; nothing was merged.
  await compare.getByRole('button', { name: 'Cancel' }).click();
  await expect(compare).toBeHidden();
  expect((await page.request.get(`/api/v1/contacts/${gone}`, { headers: auth })).status()).toBe(200);

  await picker.getByLabel('Find the duplicate').fill(`Dup ${u}`);
  await picker.getByRole('button', { name: new RegExp(`Dup ${u}`) }).click();
  await page.getByTestId('merge-confirm').click();
  await expect(page.getByTestId('client-detail').locator('dd').getByText(phone.shown)).toBeVisible();
  // The phone shows once the merged client is read back, which follows the merge.
  await expect
    .poll(async () => (await page.request.get(`/api/v1/contacts/${gone}`, { headers: auth })).status())
    .toBe(404);
  // The change log names the duplicate's fields, not a dump of it.
  const line = page.locator('li[data-field=merge]');
  await expect(line).toContainText(`Name: Dup ${u}`);
  await expect(line).toContainText(`Phone: ${phone.shown}`);
  await expect(line).not.toContainText('{');
  await expect(line).not.toContainText(gone);
});
