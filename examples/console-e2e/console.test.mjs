// Browser test of the Toolgate web console, started by ConsoleBrowserTest (which runs the gateway,
// the tenant, its keys and the upstream). Drives Debian's chromium through playwright-core,
// writes a screenshot of each page to $SCREENSHOTS, and prints one JSON line of what it saw;
// the Java test asserts on it and on the upstream's counts.
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import path from 'node:path';

const base = process.env.CONSOLE_URL;            // http://127.0.0.1:port/console
const keys = JSON.parse(process.env.CONSOLE_KEYS); // {agent, approver, approver2, auditor}
const shots = process.env.SCREENSHOTS;
const executablePath = process.env.CHROMIUM || execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim();
const seen = {};

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
async function signIn(key, viewport = { width: 1000, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('dialog', (d) => { seen.dialog = d.message(); d.dismiss(); });
  await page.goto(base + '/login');
  await page.fill('#api_key', key);
  await page.click('button[type=submit]');
  try {
    // each key lands on the first page its scopes open (integrations, else approvals, else calls)
    await page.waitForURL(/\/console\/(integrations|approvals|calls)$/, { timeout: 10000 });
  } catch (e) {
    throw new Error('sign-in did not reach a console page: at ' + page.url() + ': '
      + (await page.textContent('body')));
  }
  return page;
}
async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
}
try {
  // 1. sign in with an agent key (tools:call only): integrations yes, approvals no
  const agent = await signIn(keys.agent);
  await shot(agent, '01-integrations');
  seen.agentNav = await agent.textContent('header nav');
  const approvalsAsAgent = await agent.goto(base + '/approvals');
  seen.agentApprovalsStatus = approvalsAsAgent.status();
  seen.agentApprovalsText = await agent.textContent('main');
  seen.cookieVisibleToScript = await agent.evaluate(() => document.cookie);

  // 2. select the integration, run create_case with a required field missing, then with good values
  await agent.goto(base + '/integrations');
  await agent.click('text=desk');
  await agent.click('a:text-is("create_case")');
  await agent.fill('input[name="/summary"]', 'printer on fire');
  await agent.selectOption('select[name="/priority"]', 'high');
  await agent.click('button:text-matches("^Run")');
  seen.missingFieldError = await agent.textContent('[data-field="/customer_id"]');
  await shot(agent, '02-run-missing-field');
  await agent.fill('input[name="/customer_id"]', 'acme');
  await agent.fill('#session_id', 'sess-console-1');
  await agent.click('button:text-matches("^Run")');
  await agent.waitForSelector('section.outcome');
  seen.runOutcome = await agent.textContent('section.outcome');
  await shot(agent, '03-run-result');

  // XSS: a description and a result full of markup are shown as text
  await agent.goto(base + '/tools/desk.xss');
  seen.xssDescription = await agent.textContent('p.description');
  await agent.fill('input[name="/note"]', '<img src=x onerror="window.__xss=1">');
  await agent.click('button:text-matches("^Run")');
  await agent.waitForSelector('section.outcome');
  seen.xssOutcome = await agent.textContent('section.outcome');
  seen.xssRan = await agent.evaluate(() => window.__xss === 1 || document.querySelectorAll('main img, main script').length > 0);
  await shot(agent, '04-xss-as-text');

  // 3. a refund held for confirmation shows up on two approvers' pages without a reload
  const approver = await signIn(keys.approver);
  const approver2 = await signIn(keys.approver2);
  await approver.goto(base + '/approvals');
  await approver2.goto(base + '/approvals');
  seen.approvalsBefore = await approver.textContent('#pending');
  await agent.goto(base + '/tools/desk.refund');
  await agent.fill('input[name="/item_id"]', 'R-77');
  await agent.click('button:text-matches("^Run")');
  await agent.waitForSelector('section.outcome');
  seen.refundOutcome = await agent.textContent('section.outcome');
  const heldAt = Date.now();
  const refund = 'li.approval:has-text("R-77")';
  // a hang guard, not a timing check: the measured delay is reported (approvalShownWithinMs), the poll is 1 s
  await approver.waitForSelector(refund, { timeout: 15000 });
  await approver2.waitForSelector(refund, { timeout: 15000 });
  seen.approvalShownWithinMs = Date.now() - heldAt;
  seen.approvalText = await approver.textContent(refund);
  await shot(approver, '05-approvals');
  // the second approver starts typing; the first approves; the second's page keeps the item and
  // its typed reason (marked as no longer waiting) and the click gets the server's answer
  await approver2.fill(refund + ' input[name=reason]', 'no refunds today');
  await approver.fill(refund + ' input[name=reason]', 'refund ok');
  await approver.click(refund + ' button[value=approve]');
  await approver2.waitForSelector('li.approval.gone:has-text("R-77")', { timeout: 15000 });
  seen.keptReason = await approver2.inputValue(refund + ' input[name=reason]');
  seen.goneNote = await approver2.textContent(refund + ' .gone-note');
  await approver2.click(refund + ' button[value=deny]');
  await approver.waitForSelector('main h1');
  await approver2.waitForSelector('main h1');
  seen.decisions = [await approver.textContent('main'), await approver2.textContent('main')];
  await shot(approver, '06-approved');
  await shot(approver2, '07-decided-elsewhere');

  // 4. the audit trail finds the call by agent and by session; the detail shows the deciding rule
  const auditor = await signIn(keys.auditor);
  await auditor.goto(base + '/calls?agent=agent-1&tool=desk.create_case');
  seen.byAgent = await auditor.textContent('table.calls tbody');
  await auditor.goto(base + '/calls?session=sess-console-1');
  seen.bySession = await auditor.textContent('table.calls tbody');
  await shot(auditor, '08-calls');
  await auditor.click('table.calls tbody a');
  await auditor.waitForSelector('dl.call');
  seen.detail = await auditor.textContent('dl.call');
  seen.traceLink = (await auditor.$('a.trace')) ? await auditor.getAttribute('a.trace', 'href') : '';
  await shot(auditor, '09-call-detail');
  await auditor.click('a:text-is("The session\'s calls in order")');
  await auditor.waitForSelector('table.session');
  seen.sessionView = await auditor.textContent('table.session tbody');
  await auditor.goto(base + '/calls?user=nobody-at-all');
  seen.byUnknownUser = await auditor.textContent('main');
  await auditor.goto(base + '/calls?decision=confirm');
  seen.byDecision = await auditor.textContent('table.calls tbody');

  // phone width: no page is wider than the screen (tables scroll inside themselves)
  seen.phoneOverflow = {};
  const phone = { width: 390, height: 844 };
  const phoneAgent = await signIn(keys.agent, phone);
  const phoneAuditor = await signIn(keys.auditor, phone);
  const phoneApprover = await signIn(keys.approver, phone);
  for (const [page, url, name] of [[phoneAgent, '/integrations', 'integrations'],
    [phoneAgent, '/tools/desk.create_case', 'tool'], [phoneApprover, '/approvals', 'approvals'],
    [phoneAuditor, '/calls', 'calls'], [phoneAuditor, '/policies', 'policies']]) {
    await page.goto(base + url);
    seen.phoneOverflow[name] = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    await shot(page, '11-phone-' + name);
  }

  // sign out: the session ends on the server
  await agent.goto(base + '/integrations');
  await agent.click('header button:text-is("Sign out")');
  await agent.waitForURL('**/console/login');
  await agent.goto(base + '/integrations');
  seen.afterSignOut = agent.url();
  await shot(agent, '10-signed-out');
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
