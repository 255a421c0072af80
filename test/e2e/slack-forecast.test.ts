import { DateTime } from 'luxon';
import { loadImage } from 'canvas';
import { newId } from '../../src/domain/shared/ids';
import { eventually } from '../support/eventually';
import { makeCustomer, makeUnit, makeUser } from '../support/factories';
import { startSlackWorld, type SlackWorld } from '../support/slack-world';

/** `/forecast` in Slack: charts with the figures as text, a CSV for planners, market factors, accuracy. */
let w: SlackWorld;
const textOf = (body: unknown): string => JSON.stringify(body);

beforeAll(async () => {
  w = await startSlackWorld();
  const em = w.em();
  const east = await makeUnit(em, w.tenant, 'Sales/East');
  const amy = await makeUser(em, w.tenant, { unit: east, slackUserId: 'UFAMY', name: 'Amy East' });
  await makeUser(em, w.tenant, { role: 'manager', unit: east, manages: true, slackUserId: 'UFLI', name: 'Li Manager', timezone: 'Asia/Shanghai' });
  await makeUser(em, w.tenant, { role: 'admin', slackUserId: 'UFADA', name: 'Ada Admin' });
  await makeUser(em, w.tenant, { role: 'manager', unit: east, slackUserId: 'UFZH', name: '张经理', locale: 'zh-CN', timezone: 'Asia/Shanghai' });
  const acme = await makeCustomer(em, w.tenant, amy.user, 'ACME', { region: 'East' });
  const conn = em.getConnection();
  await conn.execute(`update tenants set default_currency = 'USD' where id = ?`, [w.tenant.id]);
  const start = DateTime.utc().startOf('month').minus({ months: 36 });
  for (let i = 0; i < 36; i++) {
    const at = start.plus({ months: i, days: 5 }).toJSDate();
    const id = newId();
    const amount = (1000 + 20 * i + 300 * Math.sin((2 * Math.PI * i) / 12)).toFixed(2);
    await conn.execute(`insert into opportunities (id, tenant_id, customer_id, owner_id, title, amount, currency, stage, stage_changed_at, probability, closed_at, created_at, updated_at, score_inputs) values (?, ?, ?, ?, 'Order', ?, 'USD', 'won', ?, 100, ?, ?, ?, '{}')`, [id, w.tenant.id, acme.id, amy.user.id, amount, at, at, at, at]);
    await conn.execute(`insert into order_lines (id, tenant_id, opportunity_id, line_no, sku, name, category, quantity, amount, currency) values (?, ?, ?, 1, 'W-1', 'Widget', 'Hardware', 1, ?, 'USD')`, [newId(), w.tenant.id, id, amount]);
  }
}, 60_000);

afterAll(async () => {
  expect(w.fake.violations()).toEqual([]);
  await w.stop();
});

const filesIn = (channel: string, since: number, count: number) =>
  eventually(() => {
    const files = w.fake.files.slice(since).filter((f) => f.channel_id === channel);
    if (files.length < count) throw new Error(`${files.length} of ${count} files in ${channel}`);
    return files;
  }, 20_000);

test("/forecast 3 team: a manager gets the team's forecast as a chart with its figures as text", async () => {
  const before = w.fake.files.length;
  const res = await w.slack.command('UFLI', '/forecast', '3 team', { channelId: 'CPLAN' });
  expect(res.ms).toBeLessThan(3000);
  expect(textOf(res.body)).toMatch(/Preparing the 3-month forecast for your team/);
  const [chart] = await filesIn('CPLAN', before, 1);
  expect((await loadImage(chart!.bytes)).width).toBeGreaterThan(300);
  expect(chart!.initial_comment).toMatch(/Forecast, next 3 months from \d{4}-\d{2}/);
  expect(chart!.initial_comment).toMatch(/\(\$[\d.]+K?–\$[\d.]+K?\)/);
  expect(chart!.alt_text).toContain('Forecast');
});

test('/forecast export by product 6: a CSV with actuals and forecasts', async () => {
  const before = w.fake.files.length;
  await w.slack.command('UFLI', '/forecast', 'export by product 6', { channelId: 'CPLAN' });
  const [csv] = await filesIn('CPLAN', before, 1);
  expect(csv!.filename).toMatch(/^forecast-product-\d{4}-\d{2}.*\.csv$/);
  const rows = csv!.bytes.toString('utf8').trim().split('\n');
  expect(rows[0]).toBe('key,month,kind,value,low80,high80,low95,high95,baseline,factor,model');
  expect(rows.filter((r) => r.startsWith('W-1,') && r.includes(',actual,'))).toHaveLength(36);
  expect(rows.filter((r) => r.startsWith('W-1,') && r.includes(',forecast,'))).toHaveLength(6);
});

test('market factors: admins add, list and remove them; others may only read them', async () => {
  const next = DateTime.utc().plus({ months: 1 }).toFormat('yyyy-LL');
  expect(textOf((await w.slack.command('UFAMY', '/forecast', `factor +10% region East from ${next}`)).body)).toMatch(/admin/);
  expect(textOf((await w.slack.command('UFADA', '/forecast', `factor +10% region East from ${next} "new distributor"`)).body)).toContain(`Added market factor: +10% region East, from ${next} on (new distributor)`);
  expect(textOf((await w.slack.command('UFADA', '/forecast', 'factor 10 region East')).body)).toContain('could not read that factor');
  const list = await w.slack.command('UFADA', '/forecast', 'factors');
  expect(textOf(list.body)).toContain('1. +10% region East');
  expect(textOf((await w.slack.command('UFAMY', '/forecast', 'factors')).body)).not.toContain('forecast.factor_remove');
  const buttons = (list.body.blocks as Array<{ accessory?: { action_id?: string; value?: string }; elements?: Array<{ action_id?: string; value?: string }> }>).flatMap((b) => [b.accessory, ...(b.elements ?? [])]).filter((e) => e?.action_id?.startsWith('forecast.factor_remove'));
  expect(buttons).toHaveLength(1);
  const removed = await w.slack.blockAction('UFADA', { action_id: buttons[0]!.action_id!, value: buttons[0]!.value!, responseUrl: w.fake.responseUrl('remove-factor') });
  expect(removed.status).toBe(200);
  const answer = await w.fake.waitFor('response', (r) => r.id === 'remove-factor', 5000);
  expect(textOf(answer.body)).toContain('Removed market factor');
  expect(textOf((await w.slack.command('UFADA', '/forecast', 'factors')).body)).toContain('No market factors');
});

test('accuracy before any month has closed says so; bad input gets help, in Chinese too', async () => {
  expect(textOf((await w.slack.command('UFLI', '/forecast', 'accuracy')).body)).toContain('No month has closed');
  expect(textOf((await w.slack.command('UFLI', '/forecast', '99')).body)).toContain('forecast 1 to 24 months');
  const zh = await w.slack.command('UFZH', '/forecast', '准确率 团队');
  expect(textOf(zh.body)).toContain('自首次发布预测以来');
  const before = w.fake.files.length;
  expect(textOf((await w.slack.command('UFZH', '/forecast', '3 团队 按 产品', { channelId: 'CZHPLAN' })).body)).toContain('正在生成');
  const [chart] = await filesIn('CZHPLAN', before, 1);
  expect(chart!.initial_comment).toMatch(/销售预测：自 \d{4}-\d{2} 起 3 个月/);
  expect(chart!.initial_comment).toContain('按产品');
});
