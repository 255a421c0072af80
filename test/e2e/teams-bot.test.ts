import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { importProducts } from '../../src/cli/import-products.command';
import { Interaction } from '../../src/domain/activities/interaction.entity';
import { planVisit } from '../../src/domain/activities/plan-visit';
import { Customer } from '../../src/domain/customers/customer.entity';
import { Quote } from '../../src/domain/quotes/quote.entity';
import { userActor } from '../../src/domain/shared/actor';
import { newId } from '../../src/domain/shared/ids';
import { User } from '../../src/domain/org/user.entity';
import { Tenant } from '../../src/domain/tenants/tenant.entity';
import { createLogger } from '../../src/logger';
import { startService, type Service } from '../../src/service';
import { adaptiveCardProblems } from '../support/adaptive-card-validator';
import { makeCustomer, makeUnit, makeUser } from '../support/factories';
import { startFakeTeams, teamsActivity, type FakeTeams } from '../support/fake-teams';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const aadTenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
let db: TestDatabase;
let fake: FakeTeams;
let service: Service;
let base: string;
const amy = { aadObjectId: '00000000-0000-0000-0000-0000000000a1', name: 'Amy Teams', tenantId: aadTenant };
const li = { aadObjectId: '00000000-0000-0000-0000-0000000000b2', name: 'Li Manager', tenantId: aadTenant, locale: 'zh-CN' };

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeTeams();
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', SFA_ROLE: 'all', TEAMS_DEV_MODE: 'true', SFA_PLAYGROUND: 'off', QUEUE_PREFIX: `sfa-test-${randomBytes(4).toString('hex')}`, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
  service = await startService(config, createLogger(config.logLevel));
  base = `http://127.0.0.1:${service.port}`;
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await fake?.close();
  await db?.drop();
});

const post = (activity: unknown) => fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
const say = async (user: typeof amy, text: string) => {
  const before = fake.sent.length;
  const res = await post(teamsActivity(fake, user, { type: 'message', text }));
  expect(res.status).toBeLessThan(300);
  const reply = await fake.waitFor((s) => fake.sent.indexOf(s) >= before && s.conversationId === `a:${user.aadObjectId}`);
  const card = reply.activity.attachments?.[0]?.content;
  expect(adaptiveCardProblems(card)).toEqual([]);
  return card;
};

test('a Teams user is set up on first message; they log a visit and look the customer up, in Adaptive Cards', async () => {
  await say(amy, 'help');
  const tenant = await db.em().findOneOrFail(Tenant, { teamsTenantId: aadTenant });
  const user = await db.em().findOneOrFail(User, { teamsAadObjectId: amy.aadObjectId });
  expect(user).toMatchObject({ role: 'rep', timezone: 'Asia/Shanghai', tenantId: tenant.id });
  const refs = await db.em().getConnection().execute(`select conversation_id from teams_conversations where user_id = ?`, [user.id]);
  expect(refs).toEqual([{ conversation_id: `a:${amy.aadObjectId}` }]);
  const unit = await makeUnit(db.em(), tenant, 'Sales/East');
  user.orgUnitId = unit.id;
  await db.em().getConnection().execute(`update users set org_unit_id = ? where id = ?`, [unit.id, user.id]);
  await makeCustomer(db.em(), tenant, user, 'ACME');

  const logged = await say(amy, 'visit ACME met the CFO');
  expect(JSON.stringify(logged)).toContain('Logged your visit to **ACME**');
  expect(await db.em().count(Interaction, { notes: 'met the CFO' })).toBe(1);
  const card = await say(amy, 'customer ACME');
  expect(JSON.stringify(card)).toContain('met the CFO');
});

test('a typed write is answered by the worker as a reply to the person\'s message', async () => {
  const activity = teamsActivity(fake, amy, { type: 'message', text: 'visit ACME asked for a demo' });
  expect((await post(activity)).status).toBe(200);
  const answer = await fake.waitFor((s) => s.replyToId === activity.id, 15_000);
  expect(answer.conversationId).toBe(`a:${amy.aadObjectId}`);
  expect(JSON.stringify(answer.activity)).toMatch(/Logged your visit to \*\*ACME\*\*|No customer matches “ACME”/);
});

test('buttons come back as Action.Execute invokes and are answered with the next card', async () => {
  const planned = await say(amy, 'visit plan ACME tomorrow 10am demo');
  const cancel = JSON.stringify(planned).match(/"verb":"visit\.cancel","data":\{"value":"([^"]+)"\}/);
  expect(cancel).not.toBeNull();
  const invoke = teamsActivity(fake, amy, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'visit.cancel', data: { value: cancel![1] } }, trigger: 'manual' } });
  const res = await post(invoke);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { statusCode: number; type: string; value: unknown };
  expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
  expect(adaptiveCardProblems(body.value)).toEqual([]);
  expect((await db.em().findOneOrFail(Interaction, { id: cancel![1] })).status).toBe('cancelled');
});

test('Chinese from the Teams locale; unknown words get help', async () => {
  const tenant = await db.em().findOneOrFail(Tenant, { teamsTenantId: aadTenant });
  await makeUser(db.em(), tenant, { role: 'manager', name: 'placeholder' });
  const card = await say(li, '你好');
  expect(JSON.stringify(card)).toContain('SFA 销售助手');
});

test('help in Teams lists every command as typed in Teams, without slashes; an empty message and a bare @mention get it too', async () => {
  const help = JSON.stringify(await say(amy, 'help'));
  for (const command of ['visit', 'customer', 'opp', 'quote', 'product', 'report']) expect(help).toContain(`\`${command}\``);
  expect(help).toContain('SFA in Microsoft Teams');
  expect(help).not.toMatch(/`\/|in Slack/);
  expect(JSON.stringify(await say(amy, ''))).toContain('SFA in Microsoft Teams');
  const before = fake.sent.length;
  const mention = { type: 'mention', mentioned: { id: '28:sfa-bot', name: 'SFA' }, text: '<at>SFA</at>' };
  const res = await post(teamsActivity(fake, amy, { type: 'message', text: '<at>SFA</at> ', entities: [mention, { type: 'clientInfo', locale: 'en-US', timezone: 'Asia/Shanghai' }] }));
  expect(res.status).toBeLessThan(300);
  const reply = await fake.waitFor((s) => fake.sent.indexOf(s) >= before && s.conversationId === `a:${amy.aadObjectId}`);
  expect(JSON.stringify(reply.activity)).toContain('SFA in Microsoft Teams');
  expect(JSON.stringify(await say(li, '帮助'))).toMatch(/SFA 销售助手（Microsoft Teams）[\s\S]*`quote` 报价[\s\S]*`product` 产品/);
});

describe('proactive messages through the Teams notifier', () => {
  let liUser: User;
  let amyUser: User;

  beforeAll(async () => {
    await say(li, 'help');
    const em = db.em();
    const tenant = await em.findOneOrFail(Tenant, { teamsTenantId: aadTenant });
    amyUser = await em.findOneOrFail(User, { teamsAadObjectId: amy.aadObjectId });
    liUser = await em.findOneOrFail(User, { teamsAadObjectId: li.aadObjectId });
    await em.getConnection().execute(`update users set role = 'manager', org_unit_id = ? where id = ?`, [amyUser.orgUnitId, liUser.id]);
    await em.getConnection().execute(`update org_units set manager_id = ? where id = ?`, [liUser.id, amyUser.orgUnitId]);
    await importProducts(db.em(), tenant.slug, 'sku,name,list_price,currency\nSKU-1,Widget,100.00,USD\n');
  });

  test('a visit reminder arrives in the rep\'s Teams chat', async () => {
    await db.em().getConnection().execute(`update users set reminder_lead_minutes = 1 where id = ?`, [amyUser.id]);
    const acme = await db.em().findOneOrFail(Customer, { name: 'ACME' });
    await planVisit(db.em(), userActor(amyUser.tenantId, amyUser.id, 'rep'), { customerId: acme.id, scheduledAt: new Date(Date.now() + 63_000) });
    const reminder = await fake.waitFor((s) => s.conversationId === `a:${amy.aadObjectId}` && JSON.stringify(s.activity).includes('Coming up: ACME'), 20_000);
    expect(adaptiveCardProblems(reminder.activity.attachments[0].content)).toEqual([]);
  });

  test('a quote beyond the rep\'s limit goes to the manager in Teams, who approves with the card button; the rep is told', async () => {
    const requested = await say(amy, 'quote ACME 10 x SKU-1 discount 12%');
    expect(JSON.stringify(requested)).toMatch(/sent to Li Manager/);
    const approval = await fake.waitFor((s) => s.conversationId === `a:${li.aadObjectId}` && JSON.stringify(s.activity).includes('quote.approve'), 20_000);
    const quoteId = JSON.stringify(approval.activity).match(/"verb":"quote\.approve","data":\{"value":"([^"]+)"\}/)![1]!;
    const invoke = (user: typeof amy) => post(teamsActivity(fake, user, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'quote.approve', data: { value: quoteId } }, trigger: 'manual' } }));
    const own = (await (await invoke(amy)).json()) as { value: unknown };
    expect(JSON.stringify(own.value)).toMatch(/own quote|access/i);
    const approved = (await (await invoke(li)).json()) as { value: unknown };
    expect(JSON.stringify(approved.value)).toMatch(/批准|Approved/);
    expect((await db.em().findOneOrFail(Quote, { id: quoteId })).status).toBe('approved');
    await fake.waitFor((s) => s.conversationId === `a:${amy.aadObjectId}` && JSON.stringify(s.activity).includes('was approved by Li Manager'), 20_000);
  });

  test('a weekly report with its charts arrives in the manager\'s chat', async () => {
    const queued = await say(li, 'report weekly team');
    expect(JSON.stringify(queued)).toMatch(/正在生成/);
    const chart = await fake.waitFor((s) => s.conversationId === `a:${li.aadObjectId}` && JSON.stringify(s.activity).includes('data:image/png;base64,'), 30_000);
    const card = chart.activity.attachments[0].content;
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toMatch(/周报/);
    // Each chart's figures as text, under it and as its alt text; this week is to date.
    const text = JSON.stringify(card);
    expect(text).toMatch(/截至目前/);
    expect(card.body.find((b: { type: string }) => b.type === 'Image').altText).toMatch(/各销售赢单收入/);
  });

  test('a forecast, asked in Chinese, arrives as a chart card with its figures as text', async () => {
    const acme = await db.em().findOneOrFail(Customer, { name: 'ACME' });
    const conn = db.em().getConnection();
    for (let i = 1; i <= 30; i++) {
      const at = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - i, 10));
      await conn.execute(`insert into opportunities (id, tenant_id, customer_id, owner_id, title, amount, currency, stage, stage_changed_at, probability, closed_at, created_at, updated_at, score_inputs) values (?, ?, ?, ?, 'Order', ?, ?, 'won', ?, 100, ?, ?, ?, '{}')`, [newId(), amyUser.tenantId, acme.id, amyUser.id, (900 + 10 * i).toFixed(2), (await db.em().findOneOrFail(Tenant, { id: amyUser.tenantId })).defaultCurrency, at, at, at, at]);
    }
    const before = fake.sent.length;
    expect(JSON.stringify(await say(li, '预测 3 团队'))).toMatch(/正在生成团队未来 3 个月的预测/);
    const chart = await fake.waitFor((s) => fake.sent.indexOf(s) >= before && s.conversationId === `a:${li.aadObjectId}` && JSON.stringify(s.activity).includes('data:image/') && JSON.stringify(s.activity).includes('销售预测'), 30_000);
    const card = chart.activity.attachments[0].content;
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toMatch(/销售预测：自 \d{4}-\d{2} 起 3 个月/);
  });

  test('last month\'s report, asked in Chinese, is the whole month with the pipeline at its end', async () => {
    const before = fake.sent.length;
    const queued = await say(li, 'report 上月 团队');
    expect(JSON.stringify(queued)).toMatch(/正在生成团队的月报/);
    // The first of the report's messages: its figures, then the first chart.
    const chart = await fake.waitFor((s) => fake.sent.indexOf(s) >= before && s.conversationId === `a:${li.aadObjectId}` && JSON.stringify(s.activity).includes('data:image/png;base64,') && JSON.stringify(s.activity).includes('月报 ·'), 30_000);
    const card = chart.activity.attachments[0].content;
    expect(adaptiveCardProblems(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toMatch(/月报/);
    expect(text).toMatch(/期末在途商机/);
    expect(text).not.toMatch(/截至目前/);
    // All three charts arrive (and nothing of this report is still on its way when the next test starts).
    const charts = () => fake.sent.filter((s) => fake.sent.indexOf(s) >= before && s.conversationId === `a:${li.aadObjectId}` && JSON.stringify(s.activity).includes('data:image/png;base64,'));
    for (let i = 0; i < 100 && charts().length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(charts()).toHaveLength(3);
  });
});

test('uninstalling the app stops proactive messages to that chat; a new message turns them back on', async () => {
  const user = await db.em().findOneOrFail(User, { teamsAadObjectId: amy.aadObjectId });
  const state = async () => (await db.em().getConnection().execute(`select active from teams_conversations where user_id = ?`, [user.id]))[0].active;
  const res = await post(teamsActivity(fake, amy, { type: 'installationUpdate', action: 'remove' }));
  expect(res.status).toBeLessThan(300);
  expect(await state()).toBe(false);
  await say(amy, 'help');
  expect(await state()).toBe(true);

  // Even when what they sent is refused (its own work rolled back), the chat is reachable again.
  await post(teamsActivity(fake, amy, { type: 'installationUpdate', action: 'remove' }));
  expect(await state()).toBe(false);
  const missing = '00000000-0000-4000-8000-000000000000';
  const refused = await post(teamsActivity(fake, amy, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'customer.open', data: { value: missing } }, trigger: 'manual' } }));
  expect(JSON.stringify(await refused.json())).toMatch(/not found|find/i);
  expect(await state()).toBe(true);
});

test('a form opens as a Teams dialog; a wrong customer keeps it open saying why; a right one logs the visit', async () => {
  const launcher = await say(amy, 'visit');
  const open = (launcher.actions as Array<{ data: Record<string, unknown> }>)[0]!.data;
  expect(open).toMatchObject({ msteams: { type: 'task/fetch' }, verb: 'dialog.open' });
  const invoke = async (name: string, data: unknown) => {
    const res = await post(teamsActivity(fake, amy, { type: 'invoke', name, value: { data } }));
    const text = await res.text();
    expect({ name, status: res.status, text: text.slice(0, 300) }).toMatchObject({ status: 200 });
    // An empty answer to task/submit closes the dialog.
    return (text ? JSON.parse(text) : null) as { task: { type: string; value: { card?: { content: unknown } } | string } };
  };
  const fetched = await invoke('task/fetch', open);
  const card = (fetched.task.value as { card: { content: { actions: Array<{ data: Record<string, unknown> }> } } }).card.content;
  expect(adaptiveCardProblems(card)).toEqual([]);
  const submit = card.actions[0]!.data;
  const wrong = await invoke('task/submit', { ...submit, customer: 'Nobody Inc', notes: 'dialog visit' });
  expect(wrong.task.type).toBe('continue');
  expect(JSON.stringify(wrong.task.value)).toContain('Nobody Inc');
  const before = fake.sent.length;
  await invoke('task/submit', { ...submit, customer: 'ACME', type: 'visit', notes: 'dialog visit' });
  expect(await db.em().count(Interaction, { notes: 'dialog visit' })).toBe(1);
  await fake.waitFor((s) => fake.sent.indexOf(s) >= before && JSON.stringify(s.activity).includes('ACME'));

  // Submit pressed twice in one dialog: one visit. The same launcher opened again: a new form, a second visit.
  await invoke('task/submit', { ...submit, customer: 'ACME', type: 'visit', notes: 'dialog visit' });
  expect(await db.em().count(Interaction, { notes: 'dialog visit' })).toBe(1);
  const reopened = ((await invoke('task/fetch', open)).task.value as typeof fetched.task.value & { card: { content: typeof card } }).card.content.actions[0]!.data;
  expect(reopened.metadata).not.toEqual(submit.metadata);
  await invoke('task/submit', { ...reopened, customer: 'ACME', type: 'visit', notes: 'dialog visit' });
  expect(await db.em().count(Interaction, { notes: 'dialog visit' })).toBe(2);
});

test('in a team channel: a manager subscribes it to the weekly report and the charts arrive there', async () => {
  const channel = '19:sales@thread.tacv2';
  const inChannel = (text: string) => post(teamsActivity(fake, li, { type: 'message', text, conversation: { id: `${channel};messageid=1700000000000`, conversationType: 'channel', tenantId: aadTenant } }));
  const before = fake.sent.length;
  expect((await inChannel('report subscribe weekly 08:00')).status).toBeLessThan(300);
  const reply = await fake.waitFor((s) => fake.sent.indexOf(s) >= before && s.conversationId.startsWith(channel));
  expect(JSON.stringify(reply.activity)).toMatch(/08:00/);
  const rows = await db.em().getConnection().execute(`select platform, channel_id, period from report_subscriptions`);
  expect(rows).toEqual([{ platform: 'teams', channel_id: channel, period: 'weekly' }]);
  const asked = fake.sent.length;
  await inChannel('report weekly team');
  const chart = await fake.waitFor((s) => s.conversationId === channel && JSON.stringify(s.activity).includes('data:image/png;base64,'), 30_000);
  expect(adaptiveCardProblems(chart.activity.attachments[0].content)).toEqual([]);
  // All three charts are in before the next test makes the connector refuse messages.
  const charts = () => fake.sent.filter((s) => fake.sent.indexOf(s) >= asked && s.conversationId === channel && JSON.stringify(s.activity).includes('data:image/png;base64,'));
  for (let i = 0; i < 100 && charts().length < 3; i++) await new Promise((r) => setTimeout(r, 100));
  expect(charts()).toHaveLength(3);
});

describe('Teams refusing a proactive message', () => {
  test('a 429 is waited out and the reminder still arrives once; a 403 dead-letters it and stops sending to that chat', async () => {
    const user = await db.em().findOneOrFail(User, { teamsAadObjectId: amy.aadObjectId });
    const acme = await db.em().findOneOrFail(Customer, { name: 'ACME' });
    await say(amy, 'help');
    await db.em().getConnection().execute(`update users set reminder_lead_minutes = 1 where id = ?`, [user.id]);
    const actor = userActor(user.tenantId, user.id, user.role);

    fake.failNext(429, 1);
    const limited = await planVisit(db.em(), actor, { customerId: acme.id, scheduledAt: new Date(Date.now() + 62_000), purpose: 'rate limited' });
    const arrived = await fake.waitFor((s) => s.conversationId === `a:${amy.aadObjectId}` && JSON.stringify(s.activity).includes('rate limited'), 20_000);
    const refusedAt = fake.refused.find((r) => r.status === 429)!.at;
    expect(arrived.at.getTime() - refusedAt.getTime()).toBeGreaterThanOrEqual(900);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.sent.filter((s) => JSON.stringify(s.activity).includes('rate limited'))).toHaveLength(1);
    void limited;

    fake.failNext(403);
    await planVisit(db.em(), actor, { customerId: acme.id, scheduledAt: new Date(Date.now() + 62_000), purpose: 'blocked bot' });
    const dead = async () => (await db.em().getConnection().execute(`select status, error from deliveries where user_id = ? and status = 'dead'`, [user.id])) as Array<{ status: string; error: string }>;
    for (let i = 0; i < 100 && (await dead()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await dead())[0]?.error).toMatch(/bot_blocked_or_removed/);
    const active = (await db.em().getConnection().execute(`select active from teams_conversations where user_id = ?`, [user.id]))[0].active;
    expect(active).toBe(false);
  }, 40_000);
});
