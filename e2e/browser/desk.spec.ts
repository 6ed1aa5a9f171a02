import { execFileSync } from 'node:child_process';
import { Browser, BrowserContext, Page } from '@playwright/test';
import { expect, expectAccessible, isPhone, navigate, test } from './fixtures';
import { adminToken, login, unique, uniqueName, useEnglish } from './helpers';

/** The demo account's first site key, as an admin reads it in Settings → Sites. */
function demoSiteKey(): string {
  const db = process.env.E2E_DATABASE_URL;
  if (!db) throw new Error('set E2E_DATABASE_URL');
  const sql = `SELECT s.public_key FROM sites s JOIN users u ON u.account_id = s.account_id
               WHERE u.email = 'admin@demo.prospecta.dev' ORDER BY s.created_at LIMIT 1`;
  return execFileSync('psql', [db, '-qtAc', sql], { encoding: 'utf8' }).trim();
}

// Visitors' browsers, closed after each test even when it fails: an open widget keeps its
// live stream and would still be chatting during the next test.
const visitorContexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const context of visitorContexts.splice(0)) await context.close();
});

/** A visitor on the demo customer page, in a browser of their own. */
async function visitorPage(browser: Browser, phone: boolean, query = ''): Promise<Page> {
  const context = await browser.newContext(phone ? { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true } : {});
  visitorContexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => { throw e; });
  await page.goto(`/demo?site_key=${demoSiteKey()}${query}`);
  return page;
}

const widget = (page: Page) => page.locator('[data-prospecta-chat]');

async function visitorSays(visitor: Page, text: string) {
  const input = widget(visitor).locator('textarea#p-text');
  await input.fill(text);
  await expect(input).toHaveValue(text);
  await widget(visitor).getByRole('button', { name: 'Enviar' }).click();
  // This message, not the previous one: the bot's answer is awaited only once it was sent.
  await expect(widget(visitor).locator('.m.visitor').last()).toContainText(text);
}

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
  await login(page);
});

test('a bot answer given before the widget\'s live stream opens still shows', async ({ page, browser }) => {
  await navigate(page, /Conversations/);
  await expect(page.getByRole('heading', { level: 1, name: 'Conversations' })).toBeVisible();
  const visitor = await visitorPage(browser, isPhone(page));
  // The stream's ticket is held back until the visitor has answered: the bot's next question
  // is published while no stream listens (as on a slow network), and must still show.
  let release = () => {};
  const answered = new Promise<void>((resolve) => { release = resolve; });
  await visitor.route('**/api/v1/visitor/tickets', async (route) => { await answered; await route.continue(); });
  await widget(visitor).getByRole('button', { name: 'Fale conosco' }).click();
  const chat = widget(visitor).getByRole('dialog', { name: 'Chat' });
  await expect(chat.locator('.m.bot').first()).toContainText('Qual é o seu nome?');
  await visitorSays(visitor, `Visitante ${uniqueName()}`);
  release();
  await expect(chat.locator('.m.bot').last()).toContainText('Qual é o seu e-mail?');
});

/** Stand-ins for what a browser shows or plays, recorded for the test: notifications (the
 * user grants permission when asked), tones started, and whether the tab is hidden. */
async function recordAlerts(page: Page) {
  await page.addInitScript(() => {
    const w = window as any;
    w.__notifications = [];
    w.__asked = 0;
    w.__tones = 0;
    // A browser remembers the grant across reloads.
    class RecordedNotification {
      static permission = sessionStorage.getItem('granted') ? 'granted' : 'default';
      static requestPermission() {
        w.__asked += 1;
        sessionStorage.setItem('granted', '1');
        RecordedNotification.permission = 'granted';
        return Promise.resolve('granted');
      }
      constructor(title: string, options?: { body?: string }) {
        w.__notifications.push({ title, body: options?.body ?? '' });
      }
    }
    w.Notification = RecordedNotification;
    Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => !!w.__hidden });
    const start = AudioScheduledSourceNode.prototype.start;
    AudioScheduledSourceNode.prototype.start = function (...args: any[]) {
      w.__tones += 1;
      return start.apply(this, args as any);
    };
  });
}

const recorded = (page: Page, what: string) => page.evaluate((w) => (window as any)[w], what);

test('an operator in another tab hears a new chat and is notified of it and of replies; sound can be turned off', async ({ page, browser }) => {
  // The demo admin's setting, as the demo has it (a failed run may have left it off).
  const on = await page.request.put('/api/v1/users/me/alerts', { headers: await adminToken(page), data: { sound: true } });
  expect(on.status()).toBe(200);
  await recordAlerts(page);
  await page.goto('/conversations');
  await expect(page.getByRole('heading', { level: 1, name: 'Conversations' })).toBeVisible();
  await expect(page.getByTestId('sound-alerts')).toBeChecked();
  // Asked on the first click on the desk, not on load, and once.
  expect(await recorded(page, '__asked')).toBe(0);
  await page.getByRole('heading', { level: 1, name: 'Conversations' }).click();
  await page.getByRole('heading', { level: 1, name: 'Conversations' }).click();
  await expect.poll(() => recorded(page, '__asked')).toBe(1);

  await page.evaluate(() => { (window as any).__hidden = true; });
  const name = `Visitante ${uniqueName()}`;
  // From a page whose address carries a campaign's long UTM parameters.
  const utm = '&utm_source=newsletter-dezembro-2026&utm_medium=email-marketing&utm_campaign=black-friday-ofertas-para-clientes-antigos&utm_content=botao-principal';
  const visitor = await visitorPage(browser, isPhone(page), utm);
  await widget(visitor).getByRole('button', { name: 'Fale conosco' }).click();
  const chat = widget(visitor).getByRole('dialog', { name: 'Chat' });
  await visitorSays(visitor, name);
  await visitorSays(visitor, `${unique()}@example.com`);
  await expect(chat.locator('.m.bot').last()).toContainText('Um atendente já vai falar com você.');
  await expect.poll(() => recorded(page, '__notifications')).toContainEqual({ title: 'A new conversation is waiting in the Inbox', body: '' });
  expect(await recorded(page, '__tones')).toBeGreaterThanOrEqual(2);

  // Back in the tab, the chat is taken; from another tab again, the visitor's reply notifies.
  await page.evaluate(() => { (window as any).__hidden = false; });
  await page.getByTestId('conversation-list').locator('.conv-item', { hasText: name }).getByTestId('accept').click();
  await expect(page.getByTestId('conversation').getByTestId('conversation-title')).toHaveText(name);
  // The long address wraps: nothing is wider than the screen or runs under the client panel.
  await expect(page.getByTestId('conversation').locator('.pane-head')).toContainText('utm_campaign');
  const overflow = await page.evaluate(() => {
    const head = document.querySelector('[data-testid=conversation] .pane-head') as HTMLElement;
    return [document.documentElement.scrollWidth - document.documentElement.clientWidth, head.scrollWidth - head.clientWidth];
  });
  expect(overflow).toEqual([0, 0]);
  await page.evaluate(() => { (window as any).__hidden = true; });
  await visitorSays(visitor, 'Ainda está aí?');
  await expect.poll(() => recorded(page, '__notifications')).toContainEqual({ title: 'New message in your conversation', body: 'Ainda está aí?' });

  // Sound off is the user's setting: kept after a reload, and the next alert is silent.
  const conversationUrl = page.url();
  await page.goto('/conversations');
  await page.getByTestId('sound-alerts').uncheck();
  await expect(page.getByTestId('sound-alerts')).not.toBeChecked();
  await page.reload();
  await expect(page.getByTestId('sound-alerts')).not.toBeChecked();
  await page.evaluate(() => { (window as any).__hidden = true; });
  await visitorSays(visitor, 'Alô?');
  await expect.poll(() => recorded(page, '__notifications')).toContainEqual({ title: 'New message in your conversation', body: 'Alô?' });
  expect(await recorded(page, '__tones')).toBe(0);
  await page.evaluate(() => { (window as any).__hidden = false; });
  await page.getByTestId('sound-alerts').check();
  await expect(page.getByTestId('sound-alerts')).toBeChecked();
  await page.goto(conversationUrl);
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('conversation').getByTestId('close-chat').click();
  await expect(chat.getByText('Esta conversa foi encerrada.')).toBeVisible();
});

test('a visitor chats with the bot, an operator accepts, replies and closes, live on both sides', async ({ page, browser }) => {
  const name = `Visitante ${uniqueName()}`;
  const attack = '<img src=x onerror="window.__xss=1">';
  await navigate(page, /Conversations/);
  await expect(page.getByRole('heading', { level: 1, name: 'Conversations' })).toBeVisible();

  const visitor = await visitorPage(browser, isPhone(page));
  await widget(visitor).getByRole('button', { name: 'Fale conosco' }).click();
  const chat = widget(visitor).getByRole('dialog', { name: 'Chat' });
  await expect(chat.locator('.m.bot').first()).toContainText('Qual é o seu nome?');
  await visitorSays(visitor, name);
  await expect(chat.locator('.m.bot').last()).toContainText('Qual é o seu e-mail?');
  await visitorSays(visitor, 'isto não é e-mail');
  await expect(chat.locator('.m.bot').last()).toContainText('Isso não parece um e-mail válido.');
  await visitorSays(visitor, `${unique()}@example.com`);
  await expect(chat.locator('.m.bot').last()).toContainText('Um atendente já vai falar com você.');
  await visitorSays(visitor, attack);

  // The operator's Inbox fills in without a reload.
  const item = page.getByTestId('conversation-list').locator('.conv-item', { hasText: name });
  await expect(item).toBeVisible();
  await expect(item).toContainText(attack); // the last message, as text
  await expectAccessible(page, 'the desk inbox');
  // Opened before anyone takes it: no task, deal or call is offered (they would be refused).
  await item.getByRole('link').click();
  const waiting = page.getByTestId('conversation');
  await expect(waiting).toHaveAttribute('data-status', 'waiting');
  await expect(waiting.getByRole('heading', { name: 'Tasks' })).toHaveCount(0);
  await expect(waiting.getByRole('button', { name: 'Add to a board' })).toHaveCount(0);
  await expect(waiting.getByTestId('log-call')).toHaveCount(0);
  await page.goBack();
  await item.getByTestId('accept').click();
  await expect(page).toHaveURL(/\/conversations\/[0-9a-f-]+\?tab=mine/);
  const conversation = page.getByTestId('conversation');
  await expect(conversation.getByTestId('conversation-title')).toHaveText(name);
  await expect(conversation.getByTestId('transcript')).toContainText(attack);
  await expect(chat.locator('.m.system').last()).toContainText('entrou na conversa');
  // The same line, stored as a code, reads in the operator's language (live, then reloaded).
  await expect(conversation.getByTestId('transcript')).toContainText('Demo joined the chat.');
  await page.reload();
  await expect(page.getByTestId('conversation').getByTestId('transcript')).toContainText('Demo joined the chat.');

  // Typing shows on the other side, both ways.
  await widget(visitor).locator('textarea#p-text').pressSequentially('Um mom');
  await expect(conversation.getByText('The visitor is typing…')).toBeVisible();
  await widget(visitor).locator('textarea#p-text').fill('');
  await conversation.getByTestId('reply').pressSequentially('Oi');
  await expect(chat.getByText('Demo está digitando…')).toBeVisible();
  await conversation.getByTestId('reply').fill(`Olá! ${attack}`);
  await conversation.getByTestId('reply').press('Enter');
  await expect(chat.locator('.m.agent').last()).toContainText(`Olá! ${attack}`);
  await expect(chat.locator('.m.agent').last()).toContainText('Demo');
  await visitorSays(visitor, 'Obrigado!');
  await expect(conversation.getByTestId('transcript')).toContainText('Obrigado!');
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  expect(await visitor.evaluate(() => (window as any).__xss)).toBeUndefined();
  await expect(conversation.locator('img')).toHaveCount(0);
  await expect(chat.locator('img')).toHaveCount(0);
  await expectAccessible(page, 'an open conversation');

  // A call logged from the chat's client panel lands in the client's change log.
  await conversation.getByTestId('log-call').click();
  await conversation.getByTestId('call-form').getByLabel('Outcome').selectOption('no_answer');
  await conversation.getByTestId('call-form').getByRole('button', { name: 'Save call' }).click();
  await expect(conversation.getByTestId('call-form')).toBeHidden();

  page.once('dialog', (d) => { expect(d.message()).toBe('Close this chat? The visitor sees that it ended.'); return d.accept(); });
  await conversation.getByTestId('close-chat').click();
  await expect(chat.getByText('Esta conversa foi encerrada.')).toBeVisible();
  await expect(widget(visitor).getByRole('button', { name: 'Iniciar nova conversa' })).toBeVisible();

  // All: the closed conversation with its stats.
  await page.goto('/conversations?tab=all');
  const closed = page.getByTestId('conversation-list').locator('.conv-item', { hasText: name });
  await closed.getByRole('link').click();
  const stats = page.getByTestId('conversation-stats');
  await expect(stats).toContainText('First response');
  await expect(stats).toContainText('5 / 1 / 4'); // visitor / operator / bot messages
  await expect(stats).toContainText('Demo Admin');
  await expect(page.getByTestId('totals')).toContainText('Messages');

  // Join chat: the open widget hears it and offers its reply box again, without a reload.
  await page.getByTestId('join-chat').click();
  await expect(page.getByTestId('conversation')).toHaveAttribute('data-status', 'active');
  await expect(widget(visitor).locator('textarea#p-text')).toBeVisible();
  await expect(widget(visitor).getByRole('button', { name: 'Iniciar nova conversa' })).toBeHidden();
  await expect(chat.getByText('Esta conversa foi encerrada.')).toBeHidden();
  await visitorSays(visitor, 'Voltei!');
  await expect(page.getByTestId('conversation').getByTestId('transcript')).toContainText('Voltei!');

  // The client screen shows the same transcript.
  await page.getByTestId('open-client').click();
  const transcript = page.getByTestId('transcript');
  await expect(transcript).toContainText(`Olá! ${attack}`);
  await expect(transcript).toContainText('Isso não parece um e-mail válido.');
  await expect(page.getByTestId('client-name')).toHaveText(name);
  await expect(page.getByTestId('history').locator('li[data-field=call]')).toContainText('Outgoing call · No answer');
  await visitor.context().close();
});

/** On the desk, a visitor who gave the bot a name and an e-mail: their chat in the Inbox. */
async function waitingChat(page: Page, browser: Browser) {
  const name = `Visitante ${uniqueName()}`;
  await navigate(page, /Conversations/);
  const visitor = await visitorPage(browser, isPhone(page));
  await widget(visitor).getByRole('button', { name: 'Fale conosco' }).click();
  const chat = widget(visitor).getByRole('dialog', { name: 'Chat' });
  await expect(chat.locator('.m.bot').first()).toContainText('Qual é o seu nome?');
  await visitorSays(visitor, name);
  await expect(chat.locator('.m.bot').last()).toContainText('Qual é o seu e-mail?');
  await visitorSays(visitor, `${unique()}@example.com`);
  return { name, item: page.getByTestId('conversation-list').locator('.conv-item', { hasText: name }) };
}

test('leaving the desk while Accept is answered neither breaks the app nor pulls the operator back', async ({ page, browser }) => {
  // The navigation race behind "reactive value that has already been disposed": the Inbox row
  // and its list are gone when Accept's answer comes; what ran after it then panicked.
  const { name, item } = await waitingChat(page, browser);
  await expect(item).toBeVisible();

  // Accept's answer is held until the operator is on the client list.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/v1/conversations/*/accept', async (route) => {
    await held;
    await route.continue();
  });
  await item.getByTestId('accept').click();
  await navigate(page, /Clients/);
  await expect(page.getByRole('heading', { level: 1, name: 'Clients' })).toBeVisible();
  const answered = page.waitForResponse((r) => r.url().endsWith('/accept'));
  release();
  expect((await answered).status()).toBe(200);
  // Whatever the answer set off has run by now (it starts as the answer arrives): the operator
  // is still on the client list.
  await page.waitForTimeout(500);
  await expect(page).toHaveURL(/\/clients$/);

  // Still alive (a panic leaves the app dead and a console error, which fails the test) and
  // still where the operator went; the accepted chat waits in My chats.
  await navigate(page, /Tasks/);
  await expect(page.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();
  await expect(page).toHaveURL(/\/tasks/);
  await page.goto('/conversations?tab=mine');
  await expect(page.getByTestId('conversation-list').locator('.conv-item', { hasText: name })).toBeVisible();
});

test('a reply the server refuses stays in the box and says why', async ({ page, browser }) => {
  const { name, item } = await waitingChat(page, browser);
  await item.getByTestId('accept').click();
  const conversation = page.getByTestId('conversation');
  await expect(conversation.getByTestId('conversation-title')).toHaveText(name);

  // From here every message sent is refused (refusals.spec does the same for other screens).
  await page.route('**/api/v1/conversations/*/messages', (route) =>
    route.request().method() === 'GET'
      ? route.continue()
      : route.fulfill({
          status: 422,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'Refused by the server for this test.' }),
        }),
  );
  await conversation.getByTestId('reply').fill('Resposta recusada');
  await conversation.getByTestId('reply').press('Enter');
  await expect(page.getByText('Refused by the server for this test.').first()).toBeVisible();
  await expect(conversation.getByTestId('reply')).toHaveValue('Resposta recusada');
});

test('an agent sees only what the visitor typed when the chat names another agent\'s client', async ({ page, browser }) => {
  const db = process.env.E2E_DATABASE_URL!;
  const sql = `SELECT c.name || '|' || c.email FROM contacts c JOIN users u ON u.id = c.assignee_id
               WHERE u.email = 'bruno@demo.prospecta.dev' AND c.email IS NOT NULL AND c.name IS NOT NULL LIMIT 1`;
  const [clientName, clientEmail] = execFileSync('psql', [db, '-qtAc', sql], { encoding: 'utf8' }).trim().split('|');
  const typed = `Visitante ${uniqueName()}`;
  const visitor = await visitorPage(browser, isPhone(page));
  await widget(visitor).getByRole('button', { name: 'Fale conosco' }).click();
  const chat = widget(visitor).getByRole('dialog', { name: 'Chat' });
  await expect(chat.locator('.m.bot').first()).toContainText('Qual é o seu nome?');
  await visitorSays(visitor, typed);
  await expect(chat.locator('.m.bot').last()).toContainText('Qual é o seu e-mail?');
  await visitorSays(visitor, clientEmail);
  await expect(chat.locator('.m.bot').last()).toContainText('Um atendente já vai falar com você.');

  // Ana (an agent) opens it from the shared Inbox: Bruno's client record stays hidden.
  const anaContext = await browser.newContext(isPhone(page) ? { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true } : {});
  const ana = await anaContext.newPage();
  await useEnglish(ana);
  await login(ana, 'ana@demo.prospecta.dev');
  await ana.goto('/conversations');
  const item = ana.getByTestId('conversation-list').locator('.conv-item', { hasText: typed });
  await expect(item).toBeVisible();
  await item.getByRole('link').click();
  const given = ana.getByTestId('visitor-given');
  await expect(given).toContainText(typed);
  await expect(given).toContainText(clientEmail);
  await expect(given).toContainText('belongs to another agent');
  await expect(ana.getByTestId('conversation')).not.toContainText(clientName);
  await expect(ana.getByTestId('open-client')).toHaveCount(0);
  await expectAccessible(ana, 'a conversation whose client is another agent\'s');
  await anaContext.close();
  await visitor.context().close();
});

test('with nobody online the widget offers its offline form, which still creates the lead', async ({ page, browser }) => {
  await page.goto('/conversations');
  await page.getByTestId('presence').selectOption('offline');
  await expect(page.locator('.presence')).toHaveAttribute('data-presence', 'offline');
  try {
      const visitor = await visitorPage(browser, isPhone(page));
      await widget(visitor).getByRole('button', { name: 'Fale conosco' }).click();
      const form = widget(visitor).locator('form.offline');
      await expect(form).toBeVisible();
      const email = `${unique()}@example.com`;
      await form.getByLabel('Nome').fill('Offline Visitor');
      await form.getByLabel('E-mail').fill(email);
      await form.getByLabel('Como podemos ajudar?').fill('Quero um orçamento');
      await form.getByRole('button', { name: 'Enviar' }).click();
      await expect(widget(visitor).getByRole('status')).toHaveText('Obrigado! Retornaremos em breve.');
      await page.goto('/clients?q=' + encodeURIComponent(email));
      await expect(page.getByRole('link', { name: 'Offline Visitor' })).toBeVisible();
      await visitor.context().close();
  } finally {
    await page.goto('/conversations');
    await page.getByTestId('presence').selectOption('online');
    await expect(page.locator('.presence')).toHaveAttribute('data-presence', 'online');
  }
});

test('the desk speaks Portuguese and passes axe on every tab', async ({ page }) => {
  await page.addInitScript(() => window.localStorage.setItem('prospecta.lang', 'pt-BR'));
  await page.goto('/conversations');
  await expect(page.getByRole('heading', { level: 1, name: 'Conversas' })).toBeVisible();
  const tabs = page.getByRole('navigation', { name: 'Listas de conversas' });
  await expect(tabs.getByRole('link', { name: /Entrada/ })).toHaveAttribute('aria-current', 'page');
  // The offline form's message put that conversation in the Inbox.
  await expect(page.getByTestId('conversation-list')).toContainText('Offline Visitor');
  await expect(page.getByTestId('conversation-list').getByRole('button', { name: 'Aceitar' }).first()).toBeVisible();
  await tabs.getByRole('link', { name: /Minhas conversas/ }).click();
  await expect(tabs.getByRole('link', { name: /Minhas conversas/ })).toHaveAttribute('aria-current', 'page');
  await expectAccessible(page, 'My conversations in Portuguese');
  await tabs.getByRole('link', { name: /Todos/ }).click();
  await expect(page.getByTestId('all-filters').getByLabel('Palavras nas mensagens')).toBeVisible();
  await expect(page.getByTestId('totals')).toContainText('Mensagens');
  await expectAccessible(page, 'the All tab in Portuguese');
});

test('admins keep canned responses and a site\'s bot and widget code in Settings', async ({ page }) => {
  const shortcut = `oi${unique()}`;
  await page.goto('/settings/canned-responses');
  const form = page.getByTestId('new-canned');
  await form.getByLabel('Shortcut').fill('two words');
  await form.getByLabel('Text').fill('x');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.locator('[data-field=shortcut]')).toBeVisible();
  await form.getByLabel('Shortcut').fill(shortcut);
  await form.getByLabel('Text').fill('Olá! Como posso ajudar?');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('canned-table')).toContainText(`/${shortcut}`);
  await expectAccessible(page, 'canned responses');
  // Deleting one asks first, naming it.
  const cannedRow = page.getByTestId('canned-table').locator('tr', { hasText: `/${shortcut}` });
  page.once('dialog', (d) => { expect(d.message()).toBe(`Delete the canned response /${shortcut}?`); return d.dismiss(); });
  await cannedRow.getByRole('button', { name: 'Delete' }).click();
  await expect(cannedRow).toHaveCount(1);
  page.once('dialog', (d) => d.accept());
  await cannedRow.getByRole('button', { name: 'Delete' }).click();
  await expect(cannedRow).toHaveCount(0);

  await page.goto('/settings/sites');
  await page.getByTestId('chat-settings-toggle').first().click();
  const chat = page.getByTestId('chat-settings');
  await expect(chat.getByTestId('widget-snippet')).toContainText('/widget.js" data-site-key="site_');
  // Questions are chosen from the client's fields, named in the UI language; a wording set
  // through the API survives a save from this form.
  const siteId = await page.getByTestId('chat-settings-toggle').first().getAttribute('data-site-id');
  const auth = await adminToken(page);
  const wording = { field: 'name', prompt_en: 'Who am I talking to?', prompt_pt: 'Com quem eu falo?' };
  const putQuestions = (bot_questions: object[]) =>
    page.request.put(`/api/v1/sites/${siteId}/chat`, { headers: auth, data: { bot_enabled: true, bot_questions, ignore_minutes: 7 } });
  expect((await putQuestions([wording])).status()).toBe(200);
  try {
  await page.reload();
  await page.getByTestId('chat-settings-toggle').first().click();
  await expect(chat.getByLabel('Question 1', { exact: true })).toHaveValue('name');
  await chat.getByRole('button', { name: '+ Add a question' }).click();
  await expect(chat.getByLabel('Question 2', { exact: true })).toHaveValue('email');
  await expect(chat.getByLabel('Question 2', { exact: true }).locator('option:checked')).toHaveText('E-mail');
  await chat.getByLabel(/Ignore hides/).fill('7');
  await chat.getByRole('button', { name: 'Save' }).click();
  await expect(chat).toBeHidden();
  const saved = await (await page.request.get(`/api/v1/sites/${siteId}/chat`, { headers: auth })).json();
  expect(saved.bot_questions).toEqual([wording, { field: 'email', prompt_en: null, prompt_pt: null }]);
  await page.getByTestId('chat-settings-toggle').first().click();
  await expect(page.getByTestId('chat-settings').getByLabel(/Ignore hides/)).toHaveValue('7');
  await page.getByTestId('chat-settings').getByRole('button', { name: 'Remove Question 2' }).click();
  await expect(page.getByTestId('chat-settings').getByLabel('Question 2', { exact: true })).toHaveCount(0);
  } finally {
    // The demo site's default questions again, for the chats of the other tests.
    expect((await putQuestions([{ field: 'name' }, { field: 'email' }])).status()).toBe(200);
  }
  await expectAccessible(page, 'a site\'s chat settings');
});

test('the Inbox loads more past its first page', async ({ page }) => {
  const db = process.env.E2E_DATABASE_URL!;
  const psql = (sql: string) => execFileSync('psql', [db, '-qtAc', sql], { encoding: 'utf8' }).trim();
  const tag = `more-${unique()}`;
  // Sixty chats waiting (more than a page), newest of all, on one demo client; removed after.
  psql(`INSERT INTO conversations (id, account_id, contact_id, site_id, channel, started_at, status, waiting_since, tags, visitor_given)
        SELECT gen_random_uuid(), c.account_id, c.id, c.site_id, 'live_chat', now(), 'waiting', now() + (n || ' ms')::interval,
               ARRAY['${tag}'], jsonb_build_object('name', 'Fila ' || n)
        FROM (SELECT * FROM contacts WHERE account_id = (SELECT account_id FROM users WHERE email = 'admin@demo.prospecta.dev') LIMIT 1) c,
             generate_series(1, 60) n`);
  try {
    await page.goto('/conversations');
    const items = page.getByTestId('conversation-list').locator('.conv-item');
    await expect(items.first()).toBeVisible();
    const firstPage = await items.count();
    expect(firstPage).toBe(50);
    await page.getByTestId('load-more').click();
    await expect(items).not.toHaveCount(50);
    expect(await items.count()).toBeGreaterThan(50);
    await expect(page.locator('.conv-item[data-id]').last()).toBeVisible();
  } finally {
    psql(`DELETE FROM conversations WHERE '${tag}' = ANY(tags)`);
  }
});

test('All keeps its filters in the URL: a result opened and closed again finds them', async ({ page }) => {
  const db = process.env.E2E_DATABASE_URL!;
  const psql = (sql: string) => execFileSync('psql', [db, '-qtAc', sql], { encoding: 'utf8' }).trim();
  const tag = `kept-${unique()}`;
  psql(`INSERT INTO conversations (id, account_id, contact_id, site_id, channel, started_at, status, closed_at, tags, visitor_given)
        SELECT gen_random_uuid(), c.account_id, c.id, c.site_id, 'live_chat', now() - interval '1 hour', 'closed', now(),
               ARRAY['${tag}'], jsonb_build_object('name', 'Arquivo ' || n)
        FROM (SELECT * FROM contacts WHERE account_id = (SELECT account_id FROM users WHERE email = 'admin@demo.prospecta.dev') LIMIT 1) c,
             generate_series(1, 3) n`);
  try {
    await page.goto('/conversations?tab=all');
    const filters = page.getByTestId('all-filters');
    await filters.getByLabel('Tag').fill(tag);
    await filters.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(new RegExp(`tab=all&tag=${tag}`));
    const items = page.getByTestId('conversation-list').locator('.conv-item');
    await expect(items).toHaveCount(3);

    await items.first().getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`/conversations/[0-9a-f-]+\\?tab=all&tag=${tag}`));
    await expect(items).toHaveCount(3);
    // The back link (shown on a phone, where the list hides) and the browser's back both return.
    await expect(page.locator('.desk-back')).toHaveAttribute('href', `/conversations?tab=all&tag=${tag}`);
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/conversations\\?tab=all&tag=${tag}$`));
    await expect(filters.getByLabel('Tag')).toHaveValue(tag);
    await expect(items).toHaveCount(3);
    await page.reload();
    await expect(filters.getByLabel('Tag')).toHaveValue(tag);
    await expect(items).toHaveCount(3);
  } finally {
    psql(`DELETE FROM conversations WHERE '${tag}' = ANY(tags)`);
  }
});
