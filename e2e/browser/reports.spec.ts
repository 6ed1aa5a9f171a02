import { readFileSync } from 'node:fs';
import { chooseLanguage, expect, expectAccessible, navigate, test } from './fixtures';
import { login, useEnglish } from './helpers';

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
});

test('a manager reads the period against the one before, in charts with their data', async ({ page }) => {
  await login(page);
  await navigate(page, /Reports/);
  await expect(page.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
  const leads = page.getByTestId('tile-leads');
  // The demo account's clients arrived in the last days: counted, next to the period before.
  await expect(leads).toContainText('New leads');
  await expect(leads.locator('.tile-value')).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByTestId('tile-sales').locator('.tile-value')).toHaveText(/^\d+$/);

  const bySource = page.getByTestId('chart-by-source');
  await expect(bySource.locator('figcaption')).toHaveText('Leads by source');
  await expect(bySource.locator('svg[role=img]')).toBeVisible();
  await bySource.getByRole('button', { name: 'Show data table' }).click();
  const table = bySource.locator('table');
  await expect(table).toBeVisible();
  await expect(table.locator('thead th')).toHaveText(['Source', 'This period', 'Previous period']);
  await expect(bySource.getByRole('button', { name: 'Hide data table' })).toHaveAttribute('aria-expanded', 'true');

  // The same numbers as CSV.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    bySource.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('leads-by-source.csv');
  const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
  expect(csv.split('\r\n')[0]).toBe('Source,This period,Previous period');
  const firstRow = (await table.locator('tbody tr').first().locator('th, td').allInnerTexts()).join(',');
  expect(csv.split('\r\n')[1]).toBe(firstRow);

  // Sales per month and the funnel; by week, the series regroups.
  await expect(page.getByTestId('chart-sales-by-month').locator('figcaption')).toHaveText('Sales and no-sales per month');
  await expect(page.getByTestId('chart-funnel')).toContainText('Sale');
  await page.getByRole('combobox', { name: 'Group by' }).selectOption('week');
  await expect(page.getByTestId('chart-leads-over-time')).toContainText('Week starting');
  await expectAccessible(page, 'the reports');

  // The live chat part: the demo's chats reached the desk in the period.
  await expect(page.getByTestId('tile-chats').locator('.tile-value')).toHaveText(/^\d+$/);
  // Logged calls beside the chats, in total and per operator.
  await expect(page.getByTestId('tile-calls').locator('.tile-value')).toHaveText(/^\d+$/);
  await expect(page.getByTestId('desk-by-operator').locator('thead th').last()).toHaveText('Calls');
  const heatmap = page.getByTestId('chart-chats-heatmap');
  await expect(heatmap.locator('figcaption')).toHaveText('Chats by hour and weekday');
  await heatmap.getByRole('button', { name: 'Show data table' }).click();
  await expect(heatmap.locator('tbody th')).toHaveText(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);
  await expect(heatmap.locator('thead th')).toHaveCount(25);

  // The pipelines part: the demo's "Vendas" board, its open deals per stage in reais.
  await expect(page.getByRole('heading', { level: 2, name: 'Pipelines' })).toBeVisible();
  // Other tests add boards; with more than one, the report offers a choice.
  await expect(page.getByTestId('pipeline-tiles')).toBeVisible();
  const boardChoice = page.getByTestId('report-board');
  if (await boardChoice.count()) await boardChoice.selectOption({ label: 'Vendas' });
  await expect(page.getByTestId('tile-open-deals').locator('.tile-value')).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByTestId('tile-open-deals').locator('.tile-note')).toContainText('R$');
  const openValue = page.getByTestId('chart-open-value');
  await expect(openValue.locator('figcaption')).toHaveText('Open value per stage (BRL)');
  await openValue.getByRole('button', { name: 'Show data table' }).click();
  await expect(openValue.locator('thead th')).toHaveText(['Stage', 'Deal value (BRL)']);
  const stageRows = page.getByTestId('pipeline-stages').locator('tbody tr');
  await expect(stageRows).toHaveCount(await openValue.locator('tbody tr').count());
  await expect(page.getByTestId('chart-days-in-stage').locator('figcaption')).toHaveText('Average days in stage');

  // A period with nothing in it says so.
  await page.getByLabel('From', { exact: true }).fill('2020-01-01');
  await page.getByLabel('To', { exact: true }).fill('2020-01-31');
  await expect(leads.locator('.tile-value')).toHaveText('0');
  await expect(page.getByTestId('chart-by-source')).toContainText('Nothing in this period.');
});

test('an agent reads their own figures, in Portuguese', async ({ page }) => {
  await login(page, 'ana@demo.prospecta.dev', 'prospecta-demo');
  await chooseLanguage(page, 'pt-BR');
  await page.goto('/reports');
  await expect(page.getByRole('heading', { level: 1, name: 'Relatórios' })).toBeVisible();
  await expect(page.getByTestId('tile-leads')).toContainText('Novos prospectos');
  // Agents get no "assigned to" filter: the server counts only their clients.
  await expect(page.getByRole('combobox', { name: 'Atribuído a' })).toHaveCount(0);
  const byUser = page.getByTestId('conversion-by-agent');
  await expect(byUser.locator('tbody tr')).toHaveCount(1);
  await expect(byUser.locator('tbody th')).toHaveText('Ana Souza');
  // Her pipeline: only the cards she is a member of, in Portuguese.
  await expect(page.getByRole('heading', { level: 2, name: 'Funis de vendas' })).toBeVisible();
  await expect(page.getByTestId('tile-open-deals')).toContainText('Negócios em aberto');
  await expectAccessible(page, 'the reports in Portuguese');
});
