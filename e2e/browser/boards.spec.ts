import { readFileSync } from 'node:fs';
import { Page } from '@playwright/test';
import { chooseLanguage, expect, expectAccessible, isPhone, test } from './fixtures';
import { login, unique, uniquePhone, useEnglish } from './helpers';

const column = (page: Page, stage: string) => page.locator(`.stage-col[data-stage="${stage}"]`);
const tile = (page: Page, title: string) => page.locator('.card-tile', { hasText: title });

/** Shows a stage: on a phone one stage is on screen at a time. */
async function showStage(page: Page, stage: string) {
  if (isPhone(page)) await page.getByTestId('stage-switcher').selectOption({ label: stage });
}

async function addCard(page: Page, stage: string, title: string) {
  await showStage(page, stage);
  const col = column(page, stage);
  await col.getByRole('button', { name: /Add card/ }).click();
  await col.getByLabel('Card title').fill(title);
  await col.locator('form button[type=submit]').click();
  await expect(tile(page, title)).toBeVisible();
}

test('a sales team runs a board: template, cards, moves, filters, a card worked to lost', async ({ page }) => {
  await useEnglish(page);
  await login(page);
  await page.goto('/boards');
  const name = `Pipeline ${unique()}`;
  const form = page.getByTestId('new-board');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Template').selectOption({ label: 'Sales pipeline' });
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.locator('.stage-col h2')).toHaveText(['New lead', 'Qualified', 'Proposal sent', 'Negotiation', 'Won', 'Lost']);

  await addCard(page, 'New lead', 'Fibra — Ana');
  await addCard(page, 'New lead', 'Link dedicado — Acme');
  await expect(column(page, 'New lead').getByTestId('stage-count')).toHaveText('2');

  // Drag and drop with the mouse (a phone has no drag: it moves from the card, below).
  if (!isPhone(page)) {
    await tile(page, 'Fibra — Ana').dragTo(column(page, 'Qualified').locator('.stage-cards'));
    await expect(column(page, 'Qualified').locator('.card-tile')).toHaveText([/Fibra — Ana/]);
    await expect(column(page, 'Qualified').getByTestId('stage-count')).toHaveText('1');
  }
  // And with the keyboard: Alt + → to the next stage.
  await page.waitForLoadState('networkidle');
  await showStage(page, 'New lead');
  await tile(page, 'Link dedicado — Acme').focus();
  const acme = await tile(page, 'Link dedicado — Acme').getAttribute('data-card');
  await page.keyboard.press('Alt+ArrowRight');
  // The card keeps the focus in its new stage (which a phone now shows).
  await expect(column(page, 'Qualified').locator(`#card-${acme}`)).toBeFocused();

  // Filter by text; save the filter; clear; re-apply it.
  await page.getByRole('button', { name: 'Filters' }).click();
  // The date range's label follows the date type.
  const filters = page.getByTestId('board-filters');
  await expect(filters.getByLabel('Card created from')).toBeVisible();
  await filters.getByLabel('Date type').selectOption('contact_created');
  await expect(filters.getByLabel('Contact created from')).toBeVisible();
  await filters.getByLabel('Date type').selectOption('');
  await page.getByTestId('board-filters').getByLabel('Search title, description or contact').fill('acme');
  await page.getByTestId('board-filters').getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/q=acme/);
  await showStage(page, 'Qualified');
  await expect(page.locator('.card-tile')).toHaveText([/Link dedicado — Acme/]);
  await page.getByTestId('saved-filters').getByLabel('Filter name').fill('Acme deals');
  await page.getByRole('button', { name: 'Save filter' }).click();
  await page.getByTestId('board-filters').getByRole('button', { name: 'Clear' }).click();
  await expect(page).not.toHaveURL(/q=acme/);
  await showStage(page, 'Qualified');
  await expect(page.locator('.card-tile')).toHaveCount(isPhone(page) ? 2 : 2);
  await page.getByTestId('saved-filters').getByLabel('Saved filters').selectOption({ label: 'Acme deals' });
  await expect(page).toHaveURL(/q=acme/);
  await expect(page.locator('.card-tile')).toHaveText([/Link dedicado — Acme/]);

  // Open the card: a value, a comment, moved from the card, marked lost; all in its history.
  await tile(page, 'Link dedicado — Acme').getByRole('link').click();
  const dialog = page.getByTestId('card-dialog');
  await expect(dialog.getByRole('heading', { level: 2 })).toHaveText('Link dedicado — Acme');
  await expectAccessible(page, 'card dialog');
  // Numbers as the screen's language writes them: a Brazilian-style value on an English
  // screen is refused on the spot, with an example.
  await dialog.getByLabel('Deal value').fill('4.500,50');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.locator('[data-field=value]')).toHaveText('write an amount such as 12,500.50');
  await expect(dialog.getByLabel('Currency')).toHaveValue('BRL');
  await dialog.getByLabel('Deal value').fill('4,500.50');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await dialog.getByLabel('Write a comment').fill('Pediu proposta até sexta');
  await dialog.getByRole('button', { name: 'Add comment' }).click();
  await expect(dialog.getByTestId('comments')).toContainText('Pediu proposta até sexta');
  // Attach a file and download it again.
  await dialog.getByTestId('attachments').locator('input[type=file]').setInputFiles({
    name: 'proposta.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 proposta para a Acme'),
  });
  const file = dialog.getByTestId('attachments').getByRole('button', { name: 'proposta.pdf', exact: true });
  await expect(file).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
  expect(download.suggestedFilename()).toBe('proposta.pdf');
  expect(readFileSync(await download.path()).toString()).toBe('%PDF-1.4 proposta para a Acme');
  // Relate it to the other card of the board, found by its title.
  const relate = dialog.getByTestId('relate-form');
  await relate.getByLabel('Board').selectOption({ label: name });
  await relate.getByLabel('Search title, description or contact').fill('Fibra');
  await relate.getByRole('button', { name: 'Find' }).click();
  await dialog.getByRole('button', { name: 'Link Fibra — Ana' }).click();
  await expect(dialog.getByTestId('related-cards').getByRole('link', { name: 'Fibra — Ana' })).toBeVisible();
  await dialog.getByTestId('move-to').selectOption({ label: 'Negotiation' });
  await dialog.getByLabel('Reason').fill('Price');
  await dialog.getByRole('button', { name: 'Mark lost' }).click();
  await expect(dialog.locator('.card-status')).toContainText('Lost: Price');
  const history = dialog.getByTestId('card-history');
  await expect(history).toContainText('marked the card lost');
  await expect(history).toContainText('moved the card');
  await expect(history).toContainText('commented');
  await expect(history).toContainText('attached proposta.pdf');
  await expect(history).toContainText('related the card to Fibra — Ana');
  await expect(history).toContainText('R$4,500.50');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await showStage(page, 'Negotiation');
  await expect(column(page, 'Negotiation').locator('.card-tile')).toContainText(['Lost']);
  await expect(column(page, 'Negotiation').locator('.stage-sum')).toHaveText('R$4,500.50');
  // A lost card stays readable (its text once faded to 3.9:1).
  await expectAccessible(page, 'a board with a lost card');

  // The board history lists every change.
  await page.getByRole('button', { name: 'Change log' }).click();
  await expect(page.getByTestId('board-history')).toContainText('created the card «Fibra — Ana»');

  // On a Portuguese screen the same value reads and is typed the Brazilian way.
  await chooseLanguage(page, 'pt-BR');
  await showStage(page, 'Negotiation');
  await tile(page, 'Link dedicado — Acme').getByRole('link').click();
  await expect(dialog.getByLabel('Valor')).toHaveValue('4.500,50');
  await dialog.getByLabel('Valor').fill('12.500,5');
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Salvo' })).toBeVisible();
  await expect(dialog.getByLabel('Valor')).toHaveValue('12.500,50');
  await dialog.getByRole('button', { name: 'Fechar' }).click();
  await expect(column(page, 'Negotiation').locator('.stage-sum')).toHaveText('R$ 12.500,50');
});

test('a card starts from the client screen, which lists the client\'s deals', async ({ page }) => {
  await useEnglish(page);
  await login(page);
  const id = unique();
  const clientName = `Deal client ${id}`;
  await page.goto('/clients');
  await page.getByRole('button', { name: '+ New client' }).click();
  const newClient = page.getByTestId('new-client');
  await newClient.getByLabel('Name').fill(clientName);
  await newClient.getByLabel('E-mail').fill(`deal-${id}@client.test`);
  await newClient.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('client-name')).toHaveText(clientName);
  await expect(page.getByTestId('deals-empty')).toHaveText('No card on a board yet.');

  await page.getByTestId('add-to-board').click();
  const form = page.getByTestId('add-to-board-form');
  await form.getByLabel('Board').selectOption({ label: 'Vendas' });
  await form.getByLabel('Stage').selectOption({ label: 'Qualificado' });
  await form.getByLabel('Card title').fill(`Deal ${clientName}`);
  await form.getByRole('button', { name: 'Add card' }).click();
  await expect(form.getByRole('status')).toContainText('Card created on the board.');
  // The Deals list has it at once, and the form now points at it instead of adding another.
  const deal = page.getByTestId('deals').locator('.deal');
  await expect(deal).toHaveCount(1);
  await expect(deal).toContainText('Vendas · Qualificado');
  await expect(deal.locator('.badge')).toHaveText('Open');
  await expect(form.getByTestId('deal-exists')).toContainText('already has a card');
  await expect(form.getByRole('button', { name: 'Add card' })).toHaveCount(0);
  await expectAccessible(page, 'client deals');
  const clientUrl = page.url();

  await deal.getByRole('link', { name: `Deal ${clientName}` }).click();
  const dialog = page.getByTestId('card-dialog');
  await expect(dialog).toContainText(clientName);
  await expect(dialog.getByRole('heading', { level: 2 })).toHaveText(/Deal /);
  // Saving other fields keeps the client linked.
  await dialog.getByLabel('Product').fill('Fibra 1 GB');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await expect(dialog.getByRole('link', { name: clientName })).toBeVisible();
  await dialog.getByRole('button', { name: 'Mark lost' }).click();
  await expect(dialog.locator('.card-status')).toContainText('Lost');

  // Back on the client, in Portuguese: the deal is lost.
  await page.evaluate(() => localStorage.setItem('prospecta.lang', 'pt-BR'));
  await page.goto(clientUrl);
  await expect(page.getByTestId('client-name')).toHaveText(clientName);
  await expect(page.locator('.add-to-board h3')).toHaveText('Negócios');
  await expect(page.getByTestId('deals').locator('.deal .badge')).toHaveText('Perdido');
});

test('an admin gives a board its own fields and a base card; new cards start from it', async ({ page }) => {
  await useEnglish(page);
  await login(page);
  await page.goto('/boards');
  const name = `Install ${unique()}`;
  const form = page.getByTestId('new-board');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Template').selectOption({ label: 'Sales pipeline' });
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);

  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByTestId('board-settings');
  const fields = settings.getByTestId('board-fields');
  await fields.getByLabel('Label').fill('Plan');
  await fields.getByLabel('Key').fill('plan');
  await fields.getByLabel('Type').selectOption({ label: 'List of options' });
  await fields.getByLabel('Options (comma-separated)').fill('300 MB, 1 GB');
  await fields.getByRole('button', { name: 'Add field' }).click();
  // The board reloads with the field; its settings stay open.
  await expect(settings.getByTestId('board-fields').locator('li[data-field-key=plan]')).toContainText('Plan');
  const base = settings.getByTestId('base-card');
  await base.getByLabel('Description').fill('Address:');
  await base.getByTestId('field-values').getByLabel('Plan').selectOption('300 MB');
  await base.getByLabel('Checklist (one item per line)').fill('Check coverage\nSend proposal');
  await base.getByLabel('Write a comment').fill('Call before visiting');
  await base.getByRole('button', { name: 'Add comment' }).click();
  await base.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  // Saved, the comment carries its author's name.
  await expect(base.getByTestId('base-comments').locator('li')).toHaveText([/Call before visiting/]);
  await expect(base.getByTestId('base-comments').locator('li strong')).not.toHaveText('');
  const files = settings.getByTestId('base-files');
  await files.locator('input[type=file]').setInputFiles({
    name: 'price-list.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 prices'),
  });
  await expect(files.getByRole('button', { name: 'price-list.pdf', exact: true })).toBeVisible();
  await expectAccessible(page, 'board settings with fields and a base card');
  await page.getByRole('button', { name: 'Settings' }).click();

  await addCard(page, 'New lead', 'House — Rui');
  await tile(page, 'House — Rui').getByRole('link').click();
  const dialog = page.getByTestId('card-dialog');
  await expect(dialog.getByRole('heading', { level: 2 })).toHaveText('House — Rui');
  await expect(dialog.getByTestId('card-form').getByLabel('Description')).toHaveValue('Address:');
  const plan = dialog.getByTestId('field-values').getByLabel('Plan');
  await expect(plan).toHaveValue('300 MB');
  const checklist = dialog.getByTestId('checklist');
  await expect(checklist.locator('li')).toHaveText([/Check coverage/, /Send proposal/]);
  await checklist.getByLabel('Check coverage', { exact: true }).check();
  await expect(checklist.getByTestId('checklist-progress')).toHaveText('1/2');
  await checklist.getByLabel('New item').fill('Book the installation');
  await checklist.getByRole('button', { name: 'Add item' }).click();
  await expect(checklist.getByTestId('checklist-progress')).toHaveText('1/3');
  await expect(dialog.getByTestId('comments')).toContainText('Call before visiting');
  await expect(dialog.getByTestId('attachments').getByRole('button', { name: 'price-list.pdf', exact: true })).toBeVisible();

  await plan.selectOption('1 GB');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' }).last()).toBeVisible();
  const history = dialog.getByTestId('card-history');
  await expect(history).toContainText('changed plan 300 MB → 1 GB');
  await expect(history).toContainText('ticked Check coverage');
  await expectAccessible(page, 'card dialog with fields and a checklist');
  await dialog.getByRole('button', { name: 'Close' }).click();
  // Reopened, the card shows what was saved.
  await tile(page, 'House — Rui').getByRole('link').click();
  await expect(page.getByTestId('field-values').getByLabel('Plan')).toHaveValue('1 GB');
});

test('a card made with "+ Add card" is linked to a client found by search, and unlinked', async ({ page }) => {
  await useEnglish(page);
  await login(page);
  const u = unique();
  const client = `Linkable ${u}`;
  const signIn = await page.request.post('/api/v1/auth/login', { data: { email: 'admin@demo.prospecta.dev', password: 'prospecta-demo' } });
  const auth = { authorization: `Bearer ${(await signIn.json()).access_token}` };
  expect((await page.request.post('/api/v1/contacts', { headers: auth, data: { name: client, phone: uniquePhone().e164 } })).status()).toBe(201);

  await page.goto('/boards');
  const form = page.getByTestId('new-board');
  await form.getByLabel('Name').fill(`Links ${u}`);
  await form.getByRole('button', { name: 'Create' }).click();
  const stage = (await page.locator('.stage-col h2').first().textContent())!.trim();
  await addCard(page, stage, `Deal ${u}`);
  await tile(page, `Deal ${u}`).getByRole('link').click();
  const dialog = page.getByTestId('card-dialog');
  await expect(dialog.getByTestId('card-contact')).toContainText('No linked contact');
  const picker = dialog.getByTestId('client-picker');
  await picker.getByLabel('Link a client').fill(`Linkable ${u}`);
  await picker.getByRole('button', { name: new RegExp(client) }).click();
  await expect(dialog.getByTestId('card-contact').getByRole('link')).toHaveText(client);
  await expectAccessible(page, 'a card linked to a client');
  await dialog.getByTestId('card-contact').getByRole('button', { name: 'Unlink' }).click();
  await expect(dialog.getByTestId('card-contact')).toContainText('No linked contact');
});

test('the card dialog keeps the keyboard inside and gives it back to the card on closing', async ({ page }) => {
  await useEnglish(page);
  await login(page);
  await page.goto('/boards');
  const form = page.getByTestId('new-board');
  await form.getByLabel('Name').fill(`Keys ${unique()}`);
  await form.getByLabel('Template').selectOption({ label: 'Sales pipeline' });
  await form.getByRole('button', { name: 'Create' }).click();
  await addCard(page, 'New lead', 'Teclado — Bia');
  const card = tile(page, 'Teclado — Bia');
  const id = await card.getAttribute('data-card');
  await card.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('card-dialog');
  await expect(dialog.getByRole('heading', { level: 2 })).toBeFocused();
  await expect(dialog.getByRole('heading', { level: 2 })).toHaveText('Teclado — Bia');
  const insideDialog = () => page.evaluate(() => !!document.activeElement?.closest('[data-testid=card-dialog]'));
  // Round and round: past the last control back to the first, and backwards from the heading.
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    expect(await insideDialog(), `Tab ${i + 1}`).toBe(true);
  }
  await dialog.getByRole('heading', { level: 2 }).focus();
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await insideDialog(), `Shift+Tab ${i + 1}`).toBe(true);
  }
  // A file deleted: focus falls out of the dialog, yet Tab comes back in and Escape closes.
  await dialog.getByTestId('attachments').locator('input[type=file]').setInputFiles({
    name: 'nota.txt', mimeType: 'text/plain', buffer: Buffer.from('nota'),
  });
  await expect(dialog.getByTestId('attachments').getByRole('button', { name: 'nota.txt', exact: true })).toBeVisible();
  page.once('dialog', (d) => d.accept());
  await dialog.getByTestId('attachments').getByRole('button', { name: /Delete/ }).click();
  await expect(dialog.getByTestId('attachments').getByRole('button', { name: 'nota.txt', exact: true })).toHaveCount(0);
  await page.keyboard.press('Tab');
  expect(await insideDialog()).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.locator(`#card-${id}`)).toBeFocused();
});
