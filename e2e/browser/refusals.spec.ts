import { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { login, useEnglish } from './helpers';

/**
 * No silent failure: every write the screens send is refused here by the server's problem
 * shape (a 422 with a `detail`, as a rule the client does not know would answer), and each
 * screen must show that text where the person acted. Reads go through, so the screens load.
 */
const REFUSAL = 'Refused by the server for this test.';

async function refuseEveryWrite(page: Page) {
  await page.route('**/api/v1/**', async (route) => {
    const method = route.request().method();
    const url = route.request().url();
    // Reads, and the session's own refresh, go through.
    if (method === 'GET' || url.includes('/auth/')) return route.continue();
    await route.fulfill({
      status: 422,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: REFUSAL }),
    });
  });
}

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
  await login(page);
  await refuseEveryWrite(page);
});

test('a refused new client, note and status change each say why', async ({ page }) => {
  await page.goto('/clients');
  await page.getByRole('button', { name: '+ New client' }).click();
  const form = page.getByTestId('new-client');
  await form.getByLabel('Name').fill('Recusada Teste');
  await form.getByLabel('E-mail').fill('recusada@example.com');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.getByText(REFUSAL)).toBeVisible();

  await page.goto('/clients');
  await page.locator('[data-testid=clients-table] tbody a').first().click();
  await page.locator('textarea[name=note]').fill('Nota recusada');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByText(REFUSAL).first()).toBeVisible();
  await page.reload();
  await page.getByLabel('Status').selectOption('in_progress');
  await expect(page.getByText(REFUSAL).first()).toBeVisible();
});

test('a refused task, canned response, site and board each say why', async ({ page }) => {
  await page.goto('/tasks');
  const task = page.getByTestId('new-task');
  await task.getByLabel('Task').fill('Tarefa recusada');
  await task.getByRole('button', { name: 'Add task' }).click();
  await expect(page.getByText(REFUSAL).first()).toBeVisible();

  await page.goto('/settings/canned-responses');
  const canned = page.getByTestId('new-canned');
  await canned.getByLabel('Shortcut').fill('recusada');
  await canned.getByLabel('Text').fill('Olá');
  await canned.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText(REFUSAL).first()).toBeVisible();

  await page.goto('/settings/sites');
  const site = page.getByTestId('new-site');
  await site.getByLabel('Name').fill('Site recusado');
  await site.getByLabel('Address (URL)').fill('https://recusado.example');
  await site.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText(REFUSAL).first()).toBeVisible();

  // A card on the demo board's first stage (on a phone, the stage shown first).
  await page.goto('/boards');
  await page.locator('.board-tile a').first().click();
  const stage = page.locator('.stage-col').first();
  await stage.getByRole('button', { name: /Add card/ }).click();
  await stage.getByLabel('Card title').fill('Cartão recusado');
  await stage.locator('form button[type=submit]').click();
  await expect(page.getByText(REFUSAL).first()).toBeVisible();
});

test('a refused invitation, custom field and webhook each say why', async ({ page }) => {
  await page.goto('/settings/users');
  const invite = page.getByTestId('invite-user');
  await invite.getByLabel('Name').fill('Convite Recusado');
  await invite.getByLabel('E-mail').fill('convite-recusado@example.com');
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(REFUSAL).first()).toBeVisible();

  await page.goto('/settings/custom-fields');
  const field = page.getByTestId('new-custom-field');
  await field.getByLabel('Key').fill('recusado');
  await field.getByLabel('Label').fill('Recusado');
  await field.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText(REFUSAL).first()).toBeVisible();

  await page.goto('/settings/webhooks');
  const hook = page.getByTestId('new-webhook');
  await hook.getByLabel('Endpoint URL').fill('https://recusado.example/hook');
  await hook.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText(REFUSAL).first()).toBeVisible();
});

test('a refused card edit, comment, board rename and API key each say why', async ({ page }) => {
  await page.goto('/boards');
  await page.locator('.board-tile a').first().click();
  await page.locator('[data-card]').first().getByRole('link').click();
  const dialog = page.getByTestId('card-dialog');
  await dialog.getByLabel('Deal value').fill('1,000.00');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText(REFUSAL).first()).toBeVisible();
  await dialog.getByLabel('Write a comment').fill('Comentário recusado');
  await dialog.getByRole('button', { name: 'Add comment' }).click();
  await expect(dialog.getByText(REFUSAL).first()).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).first().click();

  await page.locator('.board-head').getByRole('button').filter({ hasText: /^Settings$/ }).click();
  const identity = page.getByTestId('board-settings').getByTestId('board-identity');
  await identity.getByLabel('Name').fill('Quadro recusado');
  await identity.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText(REFUSAL).first()).toBeVisible();

  await page.goto('/settings/api-keys');
  const key = page.getByTestId('new-api-key');
  await key.getByLabel('Name').fill('Chave recusada');
  await key.getByLabel('contacts:read').check();
  await key.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText(REFUSAL).first()).toBeVisible();
});

test('a refused bulk change and board label each say why', async ({ page }) => {
  await page.goto('/clients');
  await page.locator('[data-testid=clients-table] tbody tr').first().getByRole('checkbox').check();
  const bar = page.getByTestId('bulk-bar');
  await bar.getByLabel('Status').selectOption('lost');
  await bar.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText(REFUSAL).first()).toBeVisible();

  await page.goto('/boards');
  await page.locator('.board-tile a').first().click();
  await page.locator('.board-head').getByRole('button').filter({ hasText: /^Settings$/ }).click();
  const adding = page.getByTestId('board-settings').getByTestId('board-labels').locator('form').last();
  await adding.getByLabel('Label').fill('Etiqueta recusada');
  await adding.getByRole('button', { name: 'Add label' }).click();
  await expect(page.getByText(REFUSAL).first()).toBeVisible();
});

test('a refused stage, chat, routing, target and rotation setting each say why', async ({ page }) => {
  await page.goto('/boards');
  await page.locator('.board-tile a').first().click();
  await page.locator('.board-head').getByRole('button').filter({ hasText: /^Settings$/ }).click();
  const stage = page.getByTestId('board-settings').locator('.stage-row').first();
  await stage.getByLabel('Stale days').fill('9');
  await stage.getByRole('button', { name: 'Save' }).click();
  await expect(stage.getByText(REFUSAL)).toBeVisible();

  // Each panel of a site's row: its form stays open with the reason in it.
  await page.goto('/settings/sites');
  const row = page.locator('tr[data-site="Loja Online"]');
  const panels: [string, string][] = [
    ['Chat', 'chat-settings'],
    ['Routing', 'routing-settings'],
    ['Response targets', 'sla-settings'],
    ['Auto-assignment', 'auto-assign'],
  ];
  for (const [button, testId] of panels) {
    await row.getByRole('button', { name: button, exact: true }).click();
    const form = page.getByTestId(testId);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByText(REFUSAL), `the ${button} panel`).toBeVisible();
    await row.getByRole('button', { name: button, exact: true }).click();
    await expect(form).toHaveCount(0);
  }
});
