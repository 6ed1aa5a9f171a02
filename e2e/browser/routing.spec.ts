import { execFileSync } from 'node:child_process';
import { Browser, Page } from '@playwright/test';
import { expect, expectAccessible, test } from './fixtures';
import { createSite, login, unique, useEnglish } from './helpers';

const psql = (sql: string) => {
  const db = process.env.E2E_DATABASE_URL;
  if (!db) throw new Error('set E2E_DATABASE_URL');
  return execFileSync('psql', [db, '-qtAc', sql], { encoding: 'utf8' }).trim();
};

const isPhone = (page: Page) => (page.viewportSize()?.width ?? 1366) < 600;

/** A demo agent signed in on a screen of their own, on the desk, online. */
async function agentOnDesk(browser: Browser, phone: boolean, email: string) {
  const context = await browser.newContext(phone ? { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true } : {});
  const page = await context.newPage();
  await useEnglish(page);
  await login(page, email);
  await page.goto('/conversations?tab=mine');
  await page.getByTestId('presence').selectOption('online');
  await expect(page.locator('.presence')).toHaveAttribute('data-presence', 'online');
  return page;
}

async function bell(page: Page, text: string) {
  await expect(async () => {
    await page.reload();
    await page.getByTestId('notifications').click();
    await expect(page.getByTestId('notification-list')).toContainText(text, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await page.keyboard.press('Escape');
}

test('a chat nobody answers moves to the next agent, both see it; a returning client waits for their agent', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await useEnglish(page);
  await login(page);
  // A site of its own: its rotation (Ana, Bruno), its rules, touching no other test's chats.
  const name = `Routing ${unique()}`;
  const { row, siteKey } = await createSite(page, name);
  await row.getByRole('button', { name: 'Routing' }).click();
  const rules = page.getByTestId('routing-settings');
  await rules.getByLabel(/Pass an accepted chat with no reply on after/).fill('0');
  await rules.getByRole('button', { name: 'Save' }).click();
  expect(await rules.getByLabel(/Pass an accepted chat/).evaluate((e: HTMLInputElement) => e.validity.rangeUnderflow)).toBe(true);
  await rules.getByLabel(/Pass an accepted chat with no reply on after/).fill('1');
  await rules.getByLabel(/Offer a client's chat to their own agent first/).fill('60');
  await expectAccessible(page, 'the routing settings');
  await rules.getByRole('button', { name: 'Save' }).click();
  await expect(rules).toHaveCount(0);
  const [ana_id, bruno_id, site_id] = [
    psql(`SELECT id FROM users WHERE email = 'ana@demo.prospecta.dev'`),
    psql(`SELECT id FROM users WHERE email = 'bruno@demo.prospecta.dev'`),
    psql(`SELECT id FROM sites WHERE name = '${name}'`),
  ];
  // Its rotation, as the Auto-assignment panel saves it (that panel has its own spec).
  psql(`UPDATE sites SET auto_assign_enabled = true, auto_assign_online_only = true,
          auto_assign_user_ids = ARRAY['${ana_id}', '${bruno_id}']::uuid[] WHERE id = '${site_id}'`);

  const phone = isPhone(page);
  const ana = await agentOnDesk(browser, phone, 'ana@demo.prospecta.dev');
  const bruno = await agentOnDesk(browser, phone, 'bruno@demo.prospecta.dev');
  try {
    // A visitor answers the bot; Ana accepts and says nothing.
    const email = `${unique()}@example.com`;
    const headers = { 'x-site-key': siteKey };
    const startChat = async () => {
      const started = await page.request.post('/api/v1/visitor/conversations', { headers, data: { lang: 'en', page_url: 'https://routing.example.com/' } });
      expect(started.status()).toBe(201);
      const body = await started.json();
      const said = { ...headers, 'x-visitor-token': body.visitor_token };
      for (const text of ['Renata Alves', email]) {
        const res = await page.request.post(`/api/v1/visitor/conversations/${body.chat.conversation_id}/messages`, { headers: said, data: { body: text } });
        expect(res.status()).toBe(201);
      }
      return body.chat.conversation_id as string;
    };
    const chatId = await startChat();
    await ana.goto('/conversations?tab=inbox');
    await ana.locator(`li.conv-item[data-id="${chatId}"]`).getByTestId('accept').click();
    await expect(ana).toHaveURL(new RegExp(`/conversations/${chatId}`));
    const anaItem = ana.locator(`li.conv-item[data-id="${chatId}"]`);
    const brunoItem = bruno.locator(`li.conv-item[data-id="${chatId}"]`);
    await expect(anaItem).toHaveCount(1);
    await expect(brunoItem).toHaveCount(0);

    // A minute without a reply (the clock moved back): the watcher passes it to Bruno, and
    // both screens follow live.
    psql(`UPDATE conversations SET owner_since = now() - interval '2 minutes' WHERE id = '${chatId}'`);
    await expect(brunoItem).toBeVisible({ timeout: 15_000 });
    await expect(anaItem).toHaveCount(0);
    await brunoItem.getByRole('link').click();
    await expect(bruno.getByTestId('conversation')).toContainText('No reply in 1 min: the chat was passed to Bruno.');
    await expectAccessible(bruno, 'a chat passed on to its new operator');
    await bell(bruno, 'Chat passed to you (no reply in time): "Renata Alves"');
    await bell(ana, 'Chat passed on (no reply in time): "Renata Alves"');
    await bruno.goto(`/conversations/${chatId}?tab=mine`);
    bruno.once('dialog', (d) => d.accept());
    await bruno.getByTestId('close-chat').click();
    await expect(bruno.getByTestId('close-chat')).toHaveCount(0);

    // Renata comes back: Ana (her agent since she accepted) has a minute to take it, in her
    // My conversations with a countdown; she passes it to the team, and it is in Bruno's Inbox.
    const again = await startChat();
    await ana.goto('/conversations?tab=mine');
    const offered = ana.locator(`li.conv-item[data-id="${again}"]`);
    await expect(offered.getByTestId('offer-clock')).toContainText(/Your client · 0:[0-5]\d left before the team gets it/);
    await expectAccessible(ana, 'a chat offered to its client\'s agent');
    await bruno.goto('/conversations?tab=inbox');
    await expect(bruno.locator(`li.conv-item[data-id="${again}"]`)).toHaveCount(0);
    await offered.getByRole('button', { name: 'Pass to the team' }).click();
    await expect(offered).toHaveCount(0);
    // Bruno's screen was opened a moment ago (its stream may not have been listening yet when
    // the chat moved): read afresh until it is there.
    await expect(async () => {
      await bruno.reload();
      await expect(bruno.locator(`li.conv-item[data-id="${again}"]`)).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 15_000 });
    await bruno.locator(`li.conv-item[data-id="${again}"]`).getByTestId('accept').click();
    await expect(bruno).toHaveURL(new RegExp(`/conversations/${again}`));
    bruno.once('dialog', (d) => d.accept());
    await bruno.getByTestId('close-chat').click();
    await expect(bruno.getByTestId('close-chat')).toHaveCount(0);
  } finally {
    for (const agent of [ana, bruno]) {
      await agent.goto('/conversations');
      await agent.getByTestId('presence').selectOption('offline');
      await expect(agent.locator('.presence')).toHaveAttribute('data-presence', 'offline');
      await agent.context().close();
    }
  }
});
