// Browser test of who may use a connect link, started by ConnectLinkOpenerTest (which runs the gateway,
// the tenant, the real OpenID provider of examples/idp and the per-user upstream). One person ($USER_NAME)
// opens one connect link ($LINK) in a fresh headless chromium and goes through the provider's own
// login and consent pages wherever they lead; prints one JSON line of where the browser ended (URL,
// HTTP status of the last page, its text, the cookies it holds) for the Java test to assert on.
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import path from 'node:path';

const link = process.env.LINK;
const user = process.env.USER_NAME;
const issuer = process.env.ISSUER;
const shots = process.env.SCREENSHOTS;
const executablePath = process.env.CHROMIUM || execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim();
const seen = {};

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  let last = null;
  page.on('response', (r) => {
    if (r.request().isNavigationRequest() && r.request().frame() === page.mainFrame()
        && (r.status() < 300 || r.status() >= 400)) {
      last = r;
    }
  });
  await page.goto(link);
  // the provider's pages (its login form: any password; its consent forms), as often as the flow
  // leads there: the tenant's sign-in first, then the upstream's authorization
  for (let i = 0; i < 8 && page.url().startsWith(issuer); i++) {
    if (await page.$('input[name=login]')) {
      await page.fill('input[name=login]', user);
      await page.fill('input[name=password]', 'any password');
    }
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await page.waitForLoadState();
  }
  seen.url = page.url();
  seen.status = last ? last.status() : 0;
  seen.text = await page.textContent('body');
  seen.cookies = (await context.cookies()).filter((c) => c.name.startsWith('toolgate_'))
    .map((c) => ({ name: c.name, path: c.path, httpOnly: c.httpOnly, sameSite: c.sameSite }));
  if (shots) {
    await page.screenshot({ path: path.join(shots, 'connect-link-' + user + '.png'), fullPage: true });
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
