import { expect, installClock, now, test } from './fixtures';
import { login, unique, useEnglish } from './helpers';

/** `YYYY-MM-DDTHH:MM` for a `datetime-local` input, `days` from `today` at `time`. */
function at(today: Date, days: number, time: string): string {
  const d = new Date(today);
  d.setDate(d.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${time}`;
}

test('My tasks shows overdue, today and upcoming, and done moves a task out', async ({ page }) => {
  // "Today" is the browser's: it is held at noon of this date, so a run near midnight (or at
  // a month's or year's end, scripts/e2e-at.sh) cannot see "today" turn into "overdue".
  const today = new Date(now());
  today.setHours(12, 0, 0, 0);
  await installClock(page, today.getTime());
  await useEnglish(page);
  await login(page);
  await page.goto('/tasks');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My tasks');
  const id = unique();
  const form = page.getByTestId('new-task');
  for (const [title, due] of [[`Late ${id}`, at(today, -1, '09:00')], [`Now ${id}`, at(today, 0, '23:59')], [`Soon ${id}`, at(today, 2, '10:00')], [`Any ${id}`, '']]) {
    await form.getByLabel('Task').fill(title);
    if (due) await form.getByLabel('Due').fill(due);
    await form.getByRole('button', { name: 'Add task' }).click();
    await expect(page.locator(`[data-task="${title}"]`)).toBeVisible();
  }
  await expect(page.getByTestId('tasks-overdue')).toContainText(`Late ${id}`);
  await expect(page.getByTestId('tasks-today')).toContainText(`Now ${id}`);
  await expect(page.getByTestId('tasks-upcoming')).toContainText(`Soon ${id}`);
  await expect(page.getByTestId('tasks-noduedate')).toContainText(`Any ${id}`);
  await page.getByRole('checkbox', { name: `Done: Late ${id}` }).check();
  await expect(page.getByTestId('tasks-done')).toContainText(`Late ${id}`);
  await expect(page.locator(`[data-testid=tasks-overdue] [data-task="Late ${id}"]`)).toHaveCount(0);
});

test('a task added on a card shows in My tasks and leads back to the card', async ({ page }) => {
  await useEnglish(page);
  await login(page);
  await page.goto('/boards');
  await page.locator('.board-tile a', { hasText: 'Vendas' }).click();
  await page.locator('.card-tile .card-title').first().click();
  const dialog = page.getByTestId('card-dialog');
  // The heading says "Loading…" until the card is there.
  await expect(dialog.getByTestId('card-form')).toBeVisible();
  const cardTitle = (await dialog.getByRole('heading', { level: 2 }).textContent())!;
  const title = `Send proposal ${unique()}`;
  await dialog.getByTestId('new-task').getByLabel('Task').fill(title);
  await dialog.getByTestId('new-task').getByRole('button', { name: 'Add task' }).click();
  await expect(dialog.getByTestId('task-panel')).toContainText(title);
  await page.goto('/tasks');
  const row = page.locator(`[data-task="${title}"]`);
  await expect(row).toBeVisible();
  await row.getByRole('link', { name: cardTitle }).click();
  await expect(page.getByTestId('card-dialog').getByRole('heading', { level: 2 })).toHaveText(cardTitle);
});
