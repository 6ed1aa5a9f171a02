import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { adminToken, login, unique, uniquePhone, useEnglish } from './helpers';
import { chooseLanguage } from './fixtures';

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

test('columns set the assignee by e-mail, a custom field and a note (pt-BR)', async ({ page }) => {
  const auth = await adminToken(page);
  const key = `segmento_${unique().replace(/[^a-z0-9]/g, '')}`;
  const label = `Segmento ${key.slice(-6)}`;
  const field = await page.request.post('/api/v1/custom-fields', {
    headers: auth,
    data: { key, label, kind: 'select', options: ['Varejo', 'Indústria'] },
  });
  expect(field.status()).toBe(201);
  const email = `col-${unique()}@example.com`;
  const csv = `Nome;E-mail;Responsável;Observações;${label}\nCarla Col;${email};bruno@demo.prospecta.dev;Prefere WhatsApp;varejo\n`;
  await chooseLanguage(page, 'pt-BR');
  await page.goto('/clients/import');
  await page.getByTestId('csv-file').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });

  // Guessed from the headers, the custom field from its label.
  const mapping = page.getByTestId('mapping');
  await expect(mapping.locator('select[name=map-assignee]')).toHaveValue('Responsável');
  await expect(mapping.locator('select[name=map-notes]')).toHaveValue('Observações');
  await expect(mapping.locator(`select[name="map-custom.${key}"]`)).toHaveValue(label);
  await expect(mapping.getByLabel('Atribuído a')).toHaveValue('Responsável');
  await expect(mapping.getByLabel('Anotações')).toHaveValue('Observações');
  await page.getByRole('button', { name: 'Importar', exact: true }).click();
  const job = page.getByTestId('import-job');
  await expect(job).toHaveAttribute('data-status', 'completed', { timeout: 20_000 });
  await expect(job.getByTestId('created')).toHaveText('1');

  await page.goto(`/clients?q=${email}`);
  await page.getByRole('link', { name: 'Carla Col' }).click();
  await expect(page.locator(`dd[data-custom="${key}"]`)).toHaveText('Varejo');
  await expect(page.getByTestId('notes')).toContainText('Prefere WhatsApp');
  await expect(page.locator('select[name=assignee_id] option:checked')).toHaveText('Bruno Lima');
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

  // A Portuguese screen offers the file Brazilian Excel opens as columns.
  await chooseLanguage(page, 'pt-BR');
  await page.reload();
  await expect(page.getByLabel('Formato da exportação')).toHaveValue('excel_br');
  const [excel] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const bytes = readFileSync(await excel.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const excelLines = bytes.subarray(3).toString('utf8').trim().split('\n');
  expect(excelLines[0]).toMatch(/^ID;Nome;E-mail;Telefone;Situação;/);
  expect(excelLines.length).toBe(lines.length);
  expect(excelLines[1]).toMatch(/;\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\r?$/);
});

test('the preview names the clients a file would change, and only their empty fields are filled on request', async ({ page }) => {
  const headers = await adminToken(page);
  const { e164, shown } = uniquePhone();
  const created = await page.request.post('/api/v1/contacts', { headers, data: { name: 'Maria Silva', phone: e164 } });
  expect(created.status()).toBe(201);
  const maria = await created.json();
  const email = `carla-${unique()}@example.com`;
  const csv = `Nome;Telefone;E-mail\nCarla Mendes;${shown};${email}\n`;
  await page.goto('/clients/import');
  await page.getByTestId('csv-file').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('would-update')).toHaveText('1');
  const updates = page.getByTestId('import-updates');
  await expect(updates.getByRole('link', { name: 'Maria Silva' })).toHaveAttribute('href', `/clients/${maria.id}`);
  await expect(updates).toContainText('Name: Maria Silva → Carla Mendes');
  await expect(updates).toContainText(`E-mail: — → ${email}`);

  await page.getByLabel('Clients already here').selectOption({ label: 'Only fill their empty fields' });
  await expect(page.getByTestId('import-preview')).toHaveCount(0);
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(updates).toContainText(`E-mail: — → ${email}`);
  await expect(updates).not.toContainText('Carla Mendes');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-job')).toHaveAttribute('data-status', 'completed', { timeout: 20_000 });

  await page.goto(`/clients/${maria.id}`);
  await expect(page.getByTestId('client-detail')).toContainText('Maria Silva');
  await expect(page.getByTestId('client-detail')).toContainText(email);
});
