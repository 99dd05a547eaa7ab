// Browser test of the web console on `./toolgate demo`, started by DemoCommandTest with the keys the
// demo printed: the agent's key selects the demo integration and runs create_support_case from its
// generated form (a required field missing, then good values, then a refund case that the demo's
// policy holds for a person), and the support lead's key approves the held refund in a second browser
// session. Prints one JSON line of what it saw; writes screenshots to $SCREENSHOTS.
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import path from 'node:path';

const base = process.env.CONSOLE_URL;
const shots = process.env.SCREENSHOTS;
const executablePath = process.env.CHROMIUM || execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim();
const seen = {};

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
async function signIn(key) {
  const page = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage();
  await page.goto(base + '/login');
  await page.fill('#api_key', key);
  await page.click('button:text-is("Sign in")');
  await page.waitForURL(/\/console\/(integrations|approvals|calls)$/, { timeout: 10000 });
  return page;
}
async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
}
async function run(page) {
  await page.click('button:text-matches("^Run")');
  await page.waitForLoadState();
}
try {
  const agent = await signIn(process.env.AGENT_KEY);
  seen.integrations = await agent.textContent('main');
  await agent.click('a:text-is("support_desk")');
  await agent.click('a:text-is("create_support_case")');
  await agent.fill('input[name$="/summary"]', 'Printer on fire');
  await agent.selectOption('select[name$="/priority"]', 'high');
  await run(agent);
  seen.missingFieldError = await agent.textContent('[data-field$="/customer_id"]');
  await shot(agent, 'demo-01-missing-field');
  await agent.fill('input[name$="/customer_id"]', 'acme');
  await run(agent);
  seen.runOutcome = await agent.textContent('section.outcome');
  await shot(agent, 'demo-02-run');

  const lead = await signIn(process.env.LEAD_KEY);
  seen.leadUrl = lead.url();
  await agent.fill('input[name$="/summary"]', 'Refund order 1234');
  await run(agent);
  seen.refundOutcome = await agent.textContent('section.outcome');
  const held = 'li.approval:has-text("Refund order 1234")';
  await lead.waitForSelector(held, { timeout: 15000 }); // the page refreshes itself; no reload
  seen.approval = await lead.textContent(held);
  await shot(lead, 'demo-03-approvals');
  await lead.fill(held + ' input[name=reason]', 'order checked');
  await lead.click(held + ' button[value=approve]');
  await lead.waitForSelector('main h1');
  seen.decision = await lead.textContent('main');
  await lead.goto(base + '/calls?agent=demo-agent');
  seen.calls = await lead.textContent('table.calls tbody');
  await shot(lead, 'demo-04-calls');
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
