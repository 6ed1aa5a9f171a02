import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { login, unique, useEnglish } from './helpers';

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
  await login(page);
});

test('an admin previews and imports a CSV, with progress and row errors', async ({ page }) => {
  const tag = unique();
  const rows = Array.from({ length: 300 }, (_, i) => `Pessoa ${i};p${i}-${tag}@example.com;importado`).join('\n');
  const csv = `Nome;E-mail;Origem\n${rows}\nSem contato;;importado\n`;
  await page.goto('/clients');
  await page.getByRole('link', { name: 'Import CSV' }).click();
  await page.getByTestId('csv-file').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });

  const mapping = page.getByTestId('mapping');
  await expect(mapping.locator('select[name=map-name]')).toHaveValue('Nome');
  await expect(mapping.locator('select[name=map-email]')).toHaveValue('E-mail');
  await expect(mapping.locator('select[name=map-source]')).toHaveValue('Origem');

  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('would-create')).toHaveText('300');
  await expect(page.getByTestId('row-errors')).toContainText('#301');

  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('Nothing was imported')).toBeVisible();

  await page.getByLabel('Skip invalid rows and import the rest').check();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const job = page.getByTestId('import-job');
  await expect(job).toHaveAttribute('data-status', 'completed', { timeout: 20_000 });
  await expect(job.getByTestId('created')).toHaveText('300');
  await expect(job.locator('progress')).toHaveAttribute('value', '100');

  await page.goto(`/clients?q=${tag}`);
  await expect(page.getByTestId('status-tabs').locator('[data-status=""] .count')).toHaveText('300');
});

test('the current filter exports as CSV', async ({ page }) => {
  await page.goto('/clients?source=google');
  await expect(page.getByTestId('clients-table').locator('tbody tr').first()).toBeVisible();
  const rowsShown = await page.getByTestId('status-tabs').locator('[data-status=""] .count').innerText();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  expect(download.suggestedFilename()).toBe('contacts.csv');
  const text = readFileSync(await download.path(), 'utf8');
  const lines = text.trim().split('\n');
  expect(lines[0]).toMatch(/^id,name,email,phone,status/);
  expect(lines.length - 1).toBe(Number(rowsShown));
  expect(lines.slice(1).every((l) => l.includes(',google,'))).toBe(true);
});
