// The SPA's first load per screen in Chromium, each time with an empty cache (a new browser
// context): the bytes downloaded (compressed, as sent) until the screen is usable, and that
// time from navigation start. "Usable": the login form's button is enabled; the client list,
// the desk's list and a board's stage counts are on screen with their data.
// Prints one line per screen: name, median bytes, median ms, runs.
// Usage: node bench/spa-load.cjs BASE_URL EMAIL PASSWORD BOARD_ID [RUNS]
const path = require('node:path');
const { chromium } = require(path.resolve(__dirname, '../e2e/node_modules/@playwright/test'));

const SCREENS = [
  { name: 'login', path: '/login', ready: 'form button[type=submit]:enabled', signedIn: false },
  { name: 'clients', path: '/clients', ready: '[data-testid=clients-table]', signedIn: true },
  { name: 'desk', path: '/conversations', ready: '[data-testid=conversation-list], [data-testid=desk-empty]', signedIn: true },
  { name: 'board', path: '/boards/BOARD', ready: '[data-testid=stage-count]', signedIn: true },
];

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

(async () => {
  const [base, email, password, board, runs = '5'] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  for (const screen of SCREENS) {
    const bytes = [];
    const times = [];
    for (let i = 0; i < Number(runs); i++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
      await context.addInitScript(([signedIn, ready]) => {
        localStorage.setItem('prospecta.lang', 'en');
        if (signedIn) localStorage.setItem('prospecta.signed_in', '1');
        // The moment the screen became usable, noted by the page itself (polling from outside
        // would see it late, after the login page has started prefetching the app).
        const note = () => {
          if (!window.__usableAt && document.querySelector(ready)) window.__usableAt = performance.now();
        };
        new MutationObserver(note).observe(document, { subtree: true, childList: true, attributes: true });
      }, [screen.signedIn, screen.ready]);
      if (screen.signedIn) {
        // The refresh cookie, as the login form leaves it; the app starts with one refresh.
        const res = await context.request.post(`${base}/api/v1/auth/login`, { data: { email, password } });
        if (!res.ok()) throw new Error(`login: HTTP ${res.status()}`);
      }
      const page = await context.newPage();
      await page.goto(`${base}${screen.path.replace('BOARD', board)}`);
      await page.waitForSelector(screen.ready, { timeout: 30000 });
      await page.waitForFunction(() => window.__usableAt);
      const [ms, sent] = await page.evaluate(() => {
        const at = window.__usableAt;
        // What had arrived by then; what came after (the login page's prefetch) is not counted.
        const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
        return [at, entries.filter((e) => e.responseEnd <= at).reduce((sum, e) => sum + e.transferSize, 0)];
      });
      times.push(ms);
      bytes.push(sent);
      await context.close();
    }
    console.log(`${screen.name} ${Math.round(median(bytes))} ${Math.round(median(times))} ${runs}`);
  }
  await browser.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
