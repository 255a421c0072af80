import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createQuote } from '../../src/domain/quotes/create-quote';
import { userActor } from '../../src/domain/shared/actor';
import { startService, type Service } from '../../src/service';
import { importProducts } from '../../src/cli/import-products.command';
import { launchBrowser, screenshot } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The playground as a newcomer meets it: the service started with no chat credentials serves a
 * Slack-like workspace at /, and a real browser uses the product through it as a rep, a manager
 * and a Chinese-speaking colleague. Screenshots go to test-artifacts/playground/.
 */
let db: TestDatabase;
let service: Service;
let browser: Browser | undefined;
let base: string;
let skip: string | undefined;
type Person = { id: string; name: string; role: string; unit: string | null; locale: string; timezone: string };
let people: Person[];

beforeAll(async () => {
  const launched = await launchBrowser();
  if ('skip' in launched) {
    skip = launched.skip;
    console.warn(`playground browser tests skipped: ${skip}`);
    return;
  }
  browser = launched.browser;
  db = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', SFA_ROLE: 'all', QUEUE_PREFIX: `sfa-pg-${randomBytes(4).toString('hex')}`, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
  service = await startService(config, createLogger(config.logLevel));
  base = `http://127.0.0.1:${service.port}`;
  people = ((await (await fetch(`${base}/playground/api/workspace`)).json()) as { users: Person[] }).users;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await db?.drop();
});

const maybe = (name: string, fn: () => Promise<void>, timeout = 60_000) => test(name, async () => (skip ? undefined : fn()), timeout);
const rep = () => people.find((p) => p.role === 'rep' && p.locale === 'en' && p.unit?.endsWith('East'))!;
const managerOf = (unit: string | null) => people.find((p) => p.role === 'manager' && p.unit === unit)!;
const chinese = () => people.find((p) => p.role === 'rep' && p.locale === 'zh-CN')!;
const phone = { width: 390, height: 844 };

async function open(as: Person, size = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser!.newPage({ viewport: size });
  await page.goto(base);
  await page.selectOption('[data-testid="user-switcher"]', as.id);
  // The DM with the bot is where the page opens; on a phone its link sits in the closed drawer.
  if (size.width > 600) await page.click('[data-testid="nav-dm"]');
  await page.waitForSelector('[data-testid="stream-status"][data-state="open"]', { state: 'attached' });
  return page;
}

async function type(page: Page, text: string): Promise<void> {
  const composer = page.locator('[data-testid="composer"]');
  await composer.fill(text);
  await composer.press('Escape').catch(() => undefined);
  await composer.fill(text);
  await composer.press('Enter');
}

/** A customer the person owns, by the first word of its name (what a rep would type). */
async function customerOf(person: Person): Promise<string> {
  const [row] = await service.orm.em.fork().getConnection().execute(`select c.name from customers c join users u on u.id = c.owner_id where u.slack_user_id = ? order by c.name limit 1`, [person.id]);
  return row.name as string;
}

maybe('the workspace appears within 2 s: people of every role, channels, the DM with the bot', async () => {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
  const started = Date.now();
  await page.goto(base);
  await page.waitForSelector('[data-testid="user-switcher"] option', { state: 'attached' });
  expect(Date.now() - started).toBeLessThan(2000);
  const options = await page.locator('[data-testid="user-switcher"] option').allTextContents();
  expect(options.some((o) => /admin/.test(o))).toBe(true);
  expect(options.some((o) => /manager/.test(o))).toBe(true);
  expect(options.some((o) => /zh-CN|中文/.test(o))).toBe(true);
  await page.waitForSelector('[data-testid="nav-channel-sales"]');
  await screenshot(page, '01-workspace');
  await page.close();
});

maybe('a rep logs a visit with a slash command: the answer takes the place of "On it", and the visit is on /customer within 2 s', async () => {
  const me = rep();
  const customer = await customerOf(me);
  const page = await open(me);
  await type(page, `/visit ${customer} met the CFO`);
  const answer = page.locator('[data-testid="message"]', { hasText: 'Logged your visit' });
  await answer.waitFor({ timeout: 10_000 });
  await expect(page.locator('[data-testid="message"]', { hasText: '⏳' }).count()).resolves.toBe(0);
  await screenshot(page, '02-visit-logged');
  const started = Date.now();
  await type(page, `/customer ${customer}`);
  await page.locator('[data-testid="message"]', { hasText: 'met the CFO' }).waitFor({ timeout: 5000 });
  expect(Date.now() - started).toBeLessThan(2000);
  await screenshot(page, '03-customer-card');
  await page.close();
});

maybe('a rep fills the /visit modal with the typeahead, submits, and sees the result', async () => {
  const me = rep();
  const customer = await customerOf(me);
  const page = await open(me);
  await type(page, '/visit');
  const modal = page.locator('[data-testid="modal"]');
  await modal.waitFor();
  await modal.locator('[data-block-id="customer"] input').first().fill(customer.slice(0, 4));
  await page.locator('[data-testid="option"]', { hasText: customer }).first().click();
  await modal.locator('[data-block-id="notes"] textarea, [data-block-id="notes"] input').first().fill('Demo of the new line, from the modal');
  await screenshot(page, '04-visit-modal');
  await page.click('[data-testid="modal-submit"]');
  await modal.waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator('[data-testid="message"]', { hasText: 'Logged your visit' }).last().waitFor({ timeout: 10_000 });
  await screenshot(page, '05-visit-from-modal');
  await page.close();
});

maybe("times in forms are the person's own, not the browser's: 14:00 typed by someone abroad is 14:00 where they are", async () => {
  const me = people.find((p) => p.role === 'rep' && p.locale === 'en' && p.timezone !== 'Pacific/Auckland') ?? rep();
  const customer = await customerOf(me);
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Pacific/Auckland' });
  const page = await context.newPage();
  await page.goto(base);
  await page.selectOption('[data-testid="user-switcher"]', me.id);
  await page.waitForSelector('[data-testid="stream-status"][data-state="open"]', { state: 'attached' });
  await type(page, '/visit plan');
  const modal = page.locator('[data-testid="modal"]');
  await modal.waitFor();
  await modal.locator('[data-block-id="customer"] input').first().fill(customer.slice(0, 4));
  await page.locator('[data-testid="option"]', { hasText: customer }).first().click();
  await modal.locator('input[type="datetime-local"]').first().fill('2027-03-10T14:00');
  await page.click('[data-testid="modal-submit"]');
  await modal.waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator('[data-testid="message"]', { hasText: '14:00' }).last().waitFor({ timeout: 10_000 });
  const [row] = await service.orm.em.fork().getConnection().execute(`select i.scheduled_at from interactions i join users u on u.id = i.user_id where u.slack_user_id = ? and i.status = 'planned' order by i.created_at desc limit 1`, [me.id]);
  const wall = new Intl.DateTimeFormat('en-GB', { timeZone: me.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(row.scheduled_at));
  expect(wall).toBe('14:00');
  await context.close();
});

maybe("a manager approves a rep's quote with the button, and the decision arrives live in the rep's DM", async () => {
  const me = rep();
  const manager = managerOf(me.unit);
  const em = service.orm.em.fork();
  const [tenant] = await em.getConnection().execute(`select slug from tenants where slug = 'demo'`);
  await importProducts(em, tenant.slug, 'sku,name,list_price,currency\nPG-1,Playground widget,100.00,CNY\n');
  const [repRow] = await em.getConnection().execute(`select id, tenant_id from users where slack_user_id = ?`, [me.id]);
  const [customer] = await em.getConnection().execute(`select id from customers where owner_id = ? order by name limit 1`, [repRow.id]);
  const repPage = await open(me);
  const quote = await createQuote(service.orm.em.fork(), userActor(repRow.tenant_id, repRow.id, 'rep'), { customerId: customer.id, lines: [{ sku: 'PG-1', quantity: 10 }], extraPercentOff: '12' });
  expect(quote.status).toBe('pending_approval');

  const managerPage = await open(manager);
  const approve = managerPage.locator('[data-testid="message"]', { hasText: quote.number }).locator('button', { hasText: /Approve|批准/ }).first();
  await approve.waitFor({ timeout: 20_000 });
  await screenshot(managerPage, '06-approval-card');
  await approve.click();
  await managerPage.locator('[data-testid="message"]', { hasText: /approved|已批准/i }).first().waitFor({ timeout: 10_000 });
  // The rep's page was open all along: the decision arrives without a reload.
  await repPage.locator('[data-testid="message"]', { hasText: `was approved by ${manager.name}` }).waitFor({ timeout: 20_000 });
  await screenshot(repPage, '07-decision-arrived');
  await managerPage.close();
  await repPage.close();
});

maybe('/report weekly team shows the charts inline', async () => {
  const manager = managerOf(rep().unit);
  const page = await open(manager);
  await type(page, '/report weekly team');
  const chart = page.locator('[data-testid="message"] img').first();
  await chart.waitFor({ timeout: 30_000 });
  await expect(chart.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).resolves.toBeGreaterThan(300);
  await screenshot(page, '08-report');
  await page.close();
});

maybe('a manager subscribes #sales to the weekly report by typing the channel, as in Slack', async () => {
  const page = await open(managerOf(rep().unit));
  await page.click('[data-testid="nav-channel-sales"]');
  await type(page, '/report subscribe weekly #sales 09:00');
  await page.locator('[data-testid="message"]', { hasText: '#sales will get' }).waitFor({ timeout: 10_000 });
  await page.close();
});

maybe('a zh-CN colleague is answered in Chinese, and it reads on a phone', async () => {
  const page = await open(chinese(), phone);
  await type(page, '/sfa help');
  await page.locator('[data-testid="message"]', { hasText: '销售' }).first().waitFor({ timeout: 10_000 });
  await screenshot(page, '09-chinese-phone');
  await page.close();
});

maybe("the App Home shows today's visits", async () => {
  const me = rep();
  const customer = await customerOf(me);
  const page = await open(me);
  await type(page, `/visit plan ${customer} today 23:59 playground demo`);
  await page.locator('[data-testid="message"]', { hasText: 'Planned' }).waitFor({ timeout: 10_000 });
  await page.click('[data-testid="nav-home"]');
  const home = page.locator('[data-testid="home"]');
  await home.waitFor();
  await home.getByText('Today').first().waitFor({ timeout: 10_000 });
  await home.getByText(customer).first().waitFor({ timeout: 10_000 });
  await screenshot(page, '10-app-home');
  await page.close();
});

maybe('⏰ brings the next planned visit\'s reminder within seconds, and it arrives live', async () => {
  const me = rep();
  const customer = await customerOf(me);
  const page = await open(me);
  await type(page, `/visit plan ${customer} tomorrow 10am clock demo`);
  await page.locator('[data-testid="message"]', { hasText: 'Planned' }).last().waitFor({ timeout: 10_000 });
  await page.click('[data-testid="clock"]');
  await page.locator('[data-testid="message"]', { hasText: `Coming up` }).first().waitFor({ timeout: 30_000 });
  await screenshot(page, '11-reminder');
  await page.close();
}, 60_000);

maybe('hostile input to the playground API is refused, not run', async () => {
  const post = (path: string, body: unknown) => fetch(`${base}/playground/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post('command', { user: 'UNOBODY', channel: 'C0SALES', text: '/visit x' })).status).toBe(400);
  expect((await post('command', { user: rep().id, channel: 'DSOMEONEELSE', text: '/visit x' })).status).toBe(400);
  expect((await post('command', { user: rep().id, channel: 'C0SALES', text: 'x'.repeat(5000) })).status).toBe(400);
  expect((await post('action', { user: rep().id, channel: 'C0SALES', messageTs: '1.2', blockId: 'b', action: { type: 'button', action_id: 'quote.approve:0', value: 'x' } })).status).toBe(404);
});
