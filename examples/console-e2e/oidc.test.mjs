// Browser test of the console's OpenID Connect sign-in, started by ConsoleOidcTest (which runs the
// gateway, the tenant, the real OpenID provider of examples/idp and the upstream). Each person signs
// in through the provider's own login and consent pages in headless chromium; prints one JSON line
// of what it saw for the Java test to assert on; writes screenshots to $SCREENSHOTS.
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import path from 'node:path';

const base = process.env.CONSOLE_URL;   // http://127.0.0.1:port/console
const tenant = process.env.TENANT;
const shots = process.env.SCREENSHOTS;
const executablePath = process.env.CHROMIUM || execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim();
const seen = {};

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
// the provider's pages: its login form (any password), then its consent form, until the browser
// leaves the provider
async function throughProvider(page, user) {
  for (let i = 0; i < 5 && page.url().startsWith(process.env.ISSUER); i++) {
    if (await page.$('input[name=login]')) {
      await page.fill('input[name=login]', user);
      await page.fill('input[name=password]', 'any password');
    }
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  }
}
async function signIn(user) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  await page.goto(base + '/login');
  await page.fill('#tenant', tenant);
  await page.click('form[action="/console/login"][method="get"] button');
  await page.click('#oidc-start');
  await page.waitForSelector('input[name=login]', { timeout: 15000 });
  await throughProvider(page, user);
  await page.waitForURL((u) => u.pathname.startsWith('/console/') && !u.pathname.startsWith('/console/oidc/'),
    { timeout: 15000 }).catch(() => {});
  await page.waitForLoadState();
  return { context, page };
}
async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
}
try {
  // an admin (group ops-admins): every page; runs a tool as itself
  const alice = await signIn('alice');
  seen.aliceUrl = alice.page.url();
  seen.aliceNav = await alice.page.textContent('header nav');
  await shot(alice.page, 'oidc-01-admin-integrations');
  await alice.page.goto(base + '/tools/desk.create_case');
  await alice.page.fill('input[name="/customer_id"]', 'acme');
  await alice.page.fill('input[name="/summary"]', 'signed in with OpenID');
  await alice.page.selectOption('select[name="/priority"]', 'low');
  await alice.page.fill('#session_id', 'sess-oidc-1');
  await alice.page.click('button:text-matches("^Run")');
  await alice.page.waitForSelector('section.outcome');
  seen.aliceRun = await alice.page.textContent('section.outcome');
  await shot(alice.page, 'oidc-02-admin-run');
  seen.aliceCookies = (await alice.context.cookies()).map((c) => ({ name: c.name, httpOnly: c.httpOnly,
    sameSite: c.sameSite, path: c.path }));
  seen.aliceScriptCookie = await alice.page.evaluate(() => document.cookie);

  // policies: the version in force and the explain form
  await alice.page.goto(base + '/policies');
  seen.policyVersion = await alice.page.textContent('#policy-version');
  await alice.page.selectOption('#x-tool', 'desk.refund');
  await alice.page.fill('#x-agent', 'agent-1');
  await alice.page.fill('#x-arguments', '{"item_id": "X-1"}');
  await alice.page.click('button:text-is("Explain")');
  await alice.page.waitForSelector('#verdict');
  seen.explained = await alice.page.textContent('section.outcome');
  await shot(alice.page, 'oidc-06-policies-explain');

  // connected accounts: connect the CRM with alice's own account at the provider, then disconnect
  await alice.page.goto(base + '/accounts');
  seen.accountsBefore = await alice.page.textContent('main');
  await alice.page.click('a:text-is("Connect crm")');
  await alice.page.waitForURL((u) => u.href.startsWith(process.env.ISSUER), { timeout: 15000 });
  await throughProvider(alice.page, 'alice');
  seen.connected = await alice.page.textContent('body');
  await alice.page.goto(base + '/accounts');
  seen.accountsAfter = await alice.page.textContent('table.accounts');
  await shot(alice.page, 'oidc-07-accounts');
  await alice.page.click('button:text-is("Disconnect crm")');
  await alice.page.waitForURL('**/console/accounts');
  seen.accountsDisconnected = await alice.page.textContent('main');

  // an approver (group support-leads): lands on approvals, approves the held refund
  const bob = await signIn('bob');
  seen.bobUrl = bob.page.url();
  seen.bobNav = await bob.page.textContent('header nav');
  const refund = 'li.approval:has-text("OIDC-REFUND-1")';
  await bob.page.waitForSelector(refund, { timeout: 15000 });
  seen.bobApproval = await bob.page.textContent(refund);
  await shot(bob.page, 'oidc-03-approver-approvals');
  await bob.page.fill(refund + ' input[name=reason]', 'checked by bob');
  await bob.page.click(refund + ' button[value=approve]');
  await bob.page.waitForSelector('main h1');
  seen.bobDecision = await bob.page.textContent('main');
  const bobCalls = await bob.page.goto(base + '/calls');
  seen.bobCallsStatus = bobCalls.status();

  // an auditor (group auditors): lands on the audit trail, finds alice's call by its agent
  const dave = await signIn('dave');
  seen.daveUrl = dave.page.url();
  seen.daveNav = await dave.page.textContent('header nav');
  await dave.page.goto(base + '/calls?agent=user:alice');
  seen.daveCalls = await dave.page.textContent('table.calls tbody');
  await shot(dave.page, 'oidc-04-auditor-calls');

  // no group with a console role: refused, no session
  const carol = await signIn('carol');
  seen.carolUrl = carol.page.url();
  seen.carolText = await carol.page.textContent('main');
  seen.carolCookies = (await carol.context.cookies()).map((c) => c.name);
  await shot(carol.page, 'oidc-05-no-role');
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
