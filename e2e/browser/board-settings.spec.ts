import { Locator, Page } from '@playwright/test';
import { expect, expectAccessible, isPhone, test } from './fixtures';
import { adminToken, login, unique, useEnglish } from './helpers';

type Board = { id: string; name: string; member_ids: string[]; stages: { id: string; name: string; card_count: number }[] };

/** A sales-pipeline board with two cards in its first stage, made through the API. */
async function boardWithCards(page: Page, name: string): Promise<Board> {
  const auth = await adminToken(page);
  const res = await page.request.post('/api/v1/boards', { headers: auth, data: { name, template: 'sales_pipeline' } });
  const board: Board = await res.json();
  for (const title of ['Deal one', 'Deal two']) {
    const card = await page.request.post(`/api/v1/boards/${board.id}/cards`, {
      headers: auth, data: { stage_id: board.stages[0].id, title },
    });
    expect(card.status()).toBe(201);
  }
  return board;
}

async function stored(page: Page, id: string): Promise<Board> {
  return (await page.request.get(`/api/v1/boards/${id}`, { headers: await adminToken(page) })).json();
}

const stageNames = (settings: Locator) =>
  settings.locator('.stage-row input[name=stage_name]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));

async function openSettings(page: Page, board: Board): Promise<Locator> {
  await page.goto(`/boards/${board.id}`);
  await page.locator('.board-head').getByRole('button').filter({ hasText: /^(Settings|Configurações)$/ }).click();
  return page.getByTestId('board-settings');
}

test('an admin renames a board, reworks its stages and labels, and deletes it', async ({ page }) => {
  await useEnglish(page);
  await login(page);
  const u = unique();
  const board = await boardWithCards(page, `Setup ${u}`);
  const [newLead, qualified, , negotiation, won, lost] = board.stages.map((s) => s.id);
  const settings = await openSettings(page, board);

  const identity = settings.getByTestId('board-identity');
  await identity.getByLabel('Name').fill(`Renamed ${u}`);
  await identity.getByLabel('Colour').fill('#15803d');
  await identity.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Renamed ${u}`);
  expect((await stored(page, board.id)).name).toBe(`Renamed ${u}`);

  // A stage's name, stale days and WIP limit are saved from its row.
  const stage = (id: string) => settings.locator(`[data-stage-id="${id}"]`);
  await stage(qualified).getByLabel('Stage').fill('Qualified leads');
  await stage(qualified).getByLabel('Stale days').fill('3');
  await stage(qualified).getByLabel('WIP limit').fill('4');
  await stage(qualified).getByRole('button', { name: 'Save' }).click();
  await expect(stage(qualified).getByLabel('Stage')).toHaveValue('Qualified leads');
  const saved = (await stored(page, board.id)).stages[1];
  expect([saved.name, saved.stale_days, saved.wip_limit]).toEqual(['Qualified leads', 3, 4]);
  await expect(stage(newLead)).toContainText('2 cards');

  // The keyboard reorders with the arrows and stays on the arrow it pressed.
  await stage(qualified).getByRole('button', { name: 'Move down: Qualified leads' }).focus();
  await page.keyboard.press('Enter');
  await expect(settings.locator('.stage-row').nth(2)).toHaveAttribute('data-stage-id', qualified);
  await expect(stage(qualified).getByRole('button', { name: 'Move down: Qualified leads' })).toBeFocused();
  await expect(stage(newLead).getByRole('button', { name: /^Move up/ })).toBeDisabled();
  if (!isPhone(page)) {
    // The mouse drags a row onto another: Lost goes where New lead was.
    await stage(lost).dragTo(stage(newLead));
    await expect(settings.locator('.stage-row').first()).toHaveAttribute('data-stage-id', lost);
  } else {
    for (let i = 0; i < 5; i++) await stage(lost).locator('.move-up').click();
    await expect(settings.locator('.stage-row').first()).toHaveAttribute('data-stage-id', lost);
  }
  expect(await stageNames(settings)).toEqual(['Lost', 'New lead', 'Proposal sent', 'Qualified leads', 'Negotiation', 'Won']);

  // A stage with cards asks where they go; an empty one only confirms.
  await stage(newLead).getByRole('button', { name: 'Delete stage' }).click();
  const moving = stage(newLead).locator('form.delete-stage');
  await moving.getByLabel('Move its 2 cards to').selectOption({ label: 'Won' });
  await expectAccessible(page, 'deleting a stage that holds cards');
  await moving.getByRole('button', { name: 'Delete stage' }).click();
  await expect(stage(newLead)).toHaveCount(0);
  await expect(stage(won)).toContainText('2 cards');
  page.once('dialog', (d) => {
    expect(d.message()).toBe('Delete the stage Negotiation?');
    void d.accept();
  });
  await stage(negotiation).getByRole('button', { name: 'Delete stage' }).click();
  await expect(stage(negotiation)).toHaveCount(0);
  expect((await stored(page, board.id)).stages.map((s) => s.name)).toEqual(['Lost', 'Proposal sent', 'Qualified leads', 'Won']);

  // Labels: added, renamed and recoloured, deleted.
  const labels = settings.getByTestId('board-labels');
  const adding = labels.locator('form').last();
  await adding.getByLabel('Label').fill(`Hot ${u}`);
  await adding.getByRole('button', { name: 'Add label' }).click();
  const row = labels.locator('.settings-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByLabel('Label')).toHaveValue(`Hot ${u}`);
  await row.getByLabel('Label').fill(`Warm ${u}`);
  await row.getByLabel('Colour').fill('#b45309');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByLabel('Label')).toHaveValue(`Warm ${u}`);
  await expect(row.getByLabel('Colour')).toHaveValue('#b45309');
  await expectAccessible(page, 'board settings with stages and labels');
  page.once('dialog', (d) => {
    expect(d.message()).toBe(`Delete the label Warm ${u}? Cards lose it.`);
    void d.accept();
  });
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(row).toHaveCount(0);

  // Deleting the board says how many cards go with it.
  page.once('dialog', (d) => {
    expect(d.message()).toBe(`Delete the board Renamed ${u} with its 2 cards and their files? This cannot be undone.`);
    void d.accept();
  });
  await identity.getByRole('button', { name: 'Delete board' }).click();
  await expect(page).toHaveURL(/\/boards$/);
  expect((await page.request.get(`/api/v1/boards/${board.id}`, { headers: await adminToken(page) })).status()).toBe(404);
});

test('board settings speak Brazilian Portuguese', async ({ page }) => {
  await page.addInitScript(() => window.localStorage.setItem('prospecta.lang', 'pt-BR'));
  await login(page);
  const u = unique();
  const board = await boardWithCards(page, `Config ${u}`);
  const settings = await openSettings(page, board);
  const first = settings.locator(`[data-stage-id="${board.stages[0].id}"]`);
  await expect(settings.getByTestId('board-stages').locator('legend')).toHaveText('Etapas');
  await expect(first).toContainText('2 cartões');
  await first.getByRole('button', { name: 'Excluir etapa' }).click();
  await expect(first.getByLabel('Mover os 2 cartões para')).toBeVisible();
  await expect(first.getByRole('button', { name: /^Mover para baixo/ })).toBeEnabled();
  await expectAccessible(page, 'board settings in Portuguese');
  page.once('dialog', (d) => {
    expect(d.message()).toBe(`Excluir o CRM Config ${u} com seus 2 cartões e arquivos? Não é possível desfazer.`);
    void d.accept();
  });
  await settings.getByTestId('board-identity').getByRole('button', { name: 'Excluir CRM' }).click();
  await expect(page).toHaveURL(/\/boards$/);
});

test("an admin gives an agent boards from the agent's row in Users", async ({ page }) => {
  await useEnglish(page);
  await login(page);
  const u = unique();
  const auth = await adminToken(page);
  const board: Board = await (await page.request.post('/api/v1/boards', {
    headers: auth, data: { name: `Shared ${u}`, template: 'sales_pipeline' },
  })).json();
  const users = (await (await page.request.get('/api/v1/users', { headers: auth })).json()).items;
  const agent = users.find((x: { email: string }) => x.email === 'ana@demo.prospecta.dev');
  await page.goto('/settings/users');
  const row = page.getByTestId('users-table').locator('tr[data-email="ana@demo.prospecta.dev"]');
  const boards = row.getByTestId('user-boards');
  await boards.locator('summary').click();
  await boards.getByLabel(`Shared ${u}`).check();
  await expect(boards.getByLabel(`Shared ${u}`)).toBeChecked();
  await expect.poll(async () => (await stored(page, board.id)).member_ids).toEqual([agent.id]);
  await expect(page.getByTestId('users-table').locator('tr[data-email="admin@demo.prospecta.dev"] .boards'))
    .toHaveText('All boards (admin)');
  await expectAccessible(page, "a user's boards");
  await boards.getByLabel(`Shared ${u}`).uncheck();
  await expect.poll(async () => (await stored(page, board.id)).member_ids).toEqual([]);
});
