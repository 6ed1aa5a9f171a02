import { expect, expectAccessible, test } from './fixtures';
import { createSite, login, unique, uniqueName, useEnglish } from './helpers';

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
  await login(page);
});

test('a chat past its reply target turns late in the Inbox within a tick, and the admin is told', async ({ page }) => {
  // A website of its own, so its 10-second target touches no other test's chats.
  const name = `SLA ${unique()}`;
  const { row, siteKey } = await createSite(page, name);

  await row.getByRole('button', { name: 'Response targets' }).click();
  const targets = page.getByTestId('sla-settings');
  const chatTarget = targets.getByLabel(/First reply to a chat within/);
  // Under ten seconds the browser itself refuses it (the server too, naming the field).
  await chatTarget.fill('5');
  await targets.getByRole('button', { name: 'Save' }).click();
  expect(await chatTarget.evaluate((e: HTMLInputElement) => e.validity.rangeUnderflow)).toBe(true);
  await expect(targets).toBeVisible();
  await chatTarget.fill('10');
  await targets.getByLabel(/First action on a new lead within/).fill('15');
  await expectAccessible(page, 'the response targets');
  await targets.getByRole('button', { name: 'Save' }).click();
  await expect(targets).toHaveCount(0);

  // A visitor on that site answers the bot and waits.
  // Letters only: the bot asks again when a "name" holds a long number.
  const visitorName = `Espera ${uniqueName()}`;
  const headers = { 'x-site-key': siteKey };
  const started = await page.request.post('/api/v1/visitor/conversations', { headers, data: { lang: 'en', page_url: 'https://sla.example.com/' } });
  expect(started.status()).toBe(201);
  const body = await started.json();
  const chatId = body.chat.conversation_id;
  const said = { ...headers, 'x-visitor-token': body.visitor_token };
  for (const text of [visitorName, `${unique()}@example.com`]) {
    const res = await page.request.post(`/api/v1/visitor/conversations/${chatId}/messages`, { headers: said, data: { body: text } });
    expect(res.status()).toBe(201);
  }

  await page.goto('/conversations?tab=inbox');
  const item = page.locator(`li.conv-item[data-id="${chatId}"]`);
  const timer = item.getByTestId('sla-timer');
  await expect(timer).toBeVisible();
  await expect(timer).toContainText('/ 0:10');
  // Live: the clock runs and, once ten seconds are gone, says "late" within a second.
  await expect(timer).toHaveAttribute('data-state', 'breached', { timeout: 12_000 });
  await expect(timer).toContainText('late');
  await expectAccessible(page, 'the Inbox with a late chat');

  // The watcher (every 5 s) tells the admins and whoever is online: the bell, read afresh.
  await expect(async () => {
    await page.reload();
    await page.getByTestId('notifications').click();
    await expect(page.getByTestId('notification-list')).toContainText(`Chat past its reply target: "${visitorName}"`, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });

  // Leave no chat waiting for the other tests: accept and close it.
  await page.goto(`/conversations/${chatId}?tab=inbox`);
  await page.locator('.pane-actions').getByTestId('accept').click();
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('close-chat').click();
  await expect(page.getByTestId('close-chat')).toHaveCount(0);
});
