// Drives NanoBroker's status page in headless Chromium (Debian's /usr/bin/chromium) through playwright-core, for
// the integration tests: node status-page.js '<script JSON>', the script {"url", "screenshot": "file.png",
// "user", "password" (typed into the page's sign-in form when it shows it), "refused": [filters the broker's rules
// must refuse, each typed into the live view], "filter" (typed into the live view, granted),
// "expect": "payload text" (waited for in the live view's rows, 10 s at most), "sys": true (waits for a $SYS figure),
// "client": "id" (waited for in the clients' list)}.
// It prints one JSON line per step on stdout: {"event": "login"}, {"event": "connected", "state"},
// {"event": "client", "id", "state", "subscriptions"}, {"event": "refused", "filter"}, {"event": "watching", "filter"}, {"event": "found", "topic", "payload", "payloads": [all in the live view]}, {"event": "retained", "topics": [...]},
// {"event": "screenshot", "file"}, or {"event": "error", "message"}; exits 0 when every step succeeded.
'use strict';
const { chromium } = require('playwright-core');

const script = JSON.parse(process.argv[2]);
const say = event => process.stdout.write(JSON.stringify(event) + '\n');
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Types a filter into the live view and waits for the page to show its SUBACK (granted or refused).
async function watch(page, filter, shown) {
  await page.fill('#filter', filter);
  await page.click('#watchForm button');
  await page.waitForFunction(text => document.getElementById('watching').textContent === text, shown + filter, { timeout: 5000 });
}

async function main() {
  const browser = await chromium.launch({ executablePath: script.chromium || '/usr/bin/chromium', args, timeout: 30000 });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(script.url);
    if (script.user !== undefined) {
      await page.waitForSelector('#login', { state: 'visible', timeout: 10000 });
      say({ event: 'login', why: await page.textContent('#loginWhy') });
      await page.fill('#user', script.user);
      await page.fill('#password', script.password);
      await page.click('#loginForm button');
    }
    await page.waitForFunction(() => document.getElementById('state').textContent.startsWith('connected'), null, { timeout: 10000 });
    say({ event: 'connected', state: await page.textContent('#state') });
    if (script.sys) {
      await page.waitForSelector('#sys tr', { timeout: 10000 });
    }
    if (script.client) {
      await page.waitForFunction(id => [...document.querySelectorAll('#clients tbody tr')].some(r => r.cells[0].textContent === id),
        script.client, { timeout: 10000 });
      say(await page.$$eval('#clients tbody tr', (rows, id) => rows.filter(r => r.cells[0].textContent === id)
        .map(r => ({ event: 'client', id, state: r.cells[1].textContent, subscriptions: r.cells[2].textContent }))[0], script.client));
    }
    for (const filter of script.refused || []) {
      await watch(page, filter, 'not allowed to read ');
      say({ event: 'refused', filter });
    }
    if (script.filter) {
      await watch(page, script.filter, 'watching ');
      say({ event: 'watching', filter: script.filter });
    }
    if (script.expect) {
      await page.waitForFunction(text => [...document.querySelectorAll('#messages tbody tr')].some(r => r.cells[2].textContent === text),
        script.expect, { timeout: 10000 });
      const row = await page.$eval('#messages tbody tr', r => ({ topic: r.cells[1].textContent, payload: r.cells[2].textContent }));
      const payloads = await page.$$eval('#messages tbody tr', rows => rows.map(r => r.cells[2].textContent));
      say({ event: 'found', topic: row.topic, payload: row.payload, payloads });
    }
    say({ event: 'retained', topics: await page.$$eval('#retained tbody tr', rows => rows.map(r => r.cells[0].textContent)) });
    if (script.screenshot) {
      await page.screenshot({ path: script.screenshot, fullPage: true });
      say({ event: 'screenshot', file: script.screenshot });
    }
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), e => { say({ event: 'error', message: String(e && e.message || e).split('\n')[0] }); process.exit(1); });
