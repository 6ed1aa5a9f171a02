// The SPA's first render of a board in Chromium: from navigation start until every stage's
// first page of cards is on screen. Prints the median of 5 loads in ms.
// Usage: node bench/board-render.cjs BASE_URL EMAIL PASSWORD BOARD_ID CARDS_EXPECTED
const path = require('node:path');
const { chromium } = require(path.resolve(__dirname, '../e2e/node_modules/@playwright/test'));

(async () => {
  const [base, email, password, board, expected] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.addInitScript(() => window.localStorage.setItem('prospecta.lang', 'en'));
  await page.goto(`${base}/login`);
  await page.getByLabel(/E-mail/).fill(email);
  await page.getByLabel(/Password/).fill(password);
  await page.locator('form button[type=submit]').click();
  await page.waitForSelector('[data-testid=current-user]', { state: 'attached' });
  const times = [];
  for (let i = 0; i < 6; i++) {
    await page.goto(`${base}/boards/${board}`);
    await page.waitForFunction((n) => document.querySelectorAll('.card-tile').length >= n, Number(expected), { timeout: 30000 });
    times.push(await page.evaluate(() => performance.now()));
  }
  await browser.close();
  // The first load fills the HTTP cache like a returning user's; the median of the rest.
  const warm = times.slice(1).sort((a, b) => a - b);
  console.log(`${warm[Math.floor(warm.length / 2)].toFixed(0)} ${times[0].toFixed(0)}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
