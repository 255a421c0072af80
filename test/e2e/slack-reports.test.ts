import { loadImage } from 'canvas';
import { DateTime } from 'luxon';
import { ReportSubscription } from '../../src/domain/report-subscriptions/report-subscription.entity';
import { Opportunity } from '../../src/domain/opportunities/opportunity.entity';
import { eventually } from '../support/eventually';
import { makeCustomer, makeUnit, makeUser } from '../support/factories';
import { startSlackWorld, type SlackWorld } from '../support/slack-world';

let w: SlackWorld;

beforeAll(async () => {
  w = await startSlackWorld();
  const em = w.em();
  const east = await makeUnit(em, w.tenant, 'Sales/East');
  const west = await makeUnit(em, w.tenant, 'Sales/West');
  const amy = await makeUser(em, w.tenant, { unit: east, slackUserId: 'UAMY', name: 'Amy East' });
  const wu = await makeUser(em, w.tenant, { unit: west, slackUserId: 'UWU', name: 'Wu West' });
  await makeUser(em, w.tenant, { role: 'manager', unit: east, manages: true, slackUserId: 'ULI', name: 'Li Manager', timezone: 'Asia/Shanghai' });
  await makeUser(em, w.tenant, { role: 'admin', slackUserId: 'UADA', name: 'Ada Admin' });
  await makeUser(em, w.tenant, { role: 'manager', unit: east, manages: true, slackUserId: 'UZHANG', name: '张经理', locale: 'zh-CN', timezone: 'Asia/Shanghai' });
  const acme = await makeCustomer(em, w.tenant, amy.user, 'ACME');
  const westwind = await makeCustomer(em, w.tenant, wu.user, 'Westwind');
  const wonAt = DateTime.utc().startOf('week').plus({ hours: 30 }).toJSDate();
  const won = (customerId: string, ownerId: string, title: string, amount: string) =>
    em.create(Opportunity, { tenantId: w.tenant.id, customerId, ownerId, title, amount, currency: 'USD', stage: 'won', probability: 100, closedAt: wonAt, stageChangedAt: wonAt } as Opportunity);
  won(acme.id, amy.user.id, 'East deal', '12000.00');
  won(westwind.id, wu.user.id, 'West secret deal', '98765.00');
  await em.flush();
  // Won in the middle of last month, Shanghai time.
  const lastMonth = DateTime.now().setZone('Asia/Shanghai').startOf('month').minus({ months: 1 }).plus({ days: 9 }).toJSDate();
  em.create(Opportunity, { tenantId: w.tenant.id, customerId: acme.id, ownerId: amy.user.id, title: 'Last month deal', amount: '4321.50', currency: 'USD', stage: 'won', probability: 100, closedAt: lastMonth, stageChangedAt: lastMonth, createdAt: lastMonth } as Opportunity);
  await em.flush();
}, 60_000);

afterAll(async () => {
  expect(w.fake.violations()).toEqual([]);
  await w.stop();
});

const textOf = (body: unknown): string => JSON.stringify(body);

/** The three charts of one report, shared into `channel` after the first `since` files. */
const reportIn = (channel: string, since: number) =>
  eventually(() => {
    const files = w.fake.files.slice(since).filter((x) => x.channel_id === channel);
    if (files.length < 3) throw new Error(`${files.length} of 3 charts in ${channel} so far`);
    return files;
  }, 20_000);

test('/report weekly team by a manager puts PNG charts and the numbers into the channel, own unit only', async () => {
  const res = await w.slack.command('ULI', '/report', 'weekly team', { channelId: 'CSALES' });
  expect(res.ms).toBeLessThan(3000);
  expect(textOf(res.body)).toMatch(/Preparing the weekly report/);
  const file = (await reportIn('CSALES', 0))[0]!;
  const image = await loadImage(file.bytes);
  expect(image.width).toBeGreaterThan(300);
  expect(file.initial_comment).toContain('12,000');
  expect(file.initial_comment).not.toContain('98,765');
  // This week is not over: the figures say so, and the pipeline is today's.
  expect(file.initial_comment).toMatch(/to date; compared with/);
  expect(file.initial_comment).toContain('Open pipeline now');
});

test('/report monthly last: the whole of last month, with each chart\'s figures as its alt text', async () => {
  const before = w.fake.files.length;
  const res = await w.slack.command('ULI', '/report', 'monthly last team', { channelId: 'CSALES' });
  const label = DateTime.now().setZone('Asia/Shanghai').minus({ months: 1 }).toFormat('yyyy-LL');
  expect(textOf(res.body)).toContain(`Preparing the monthly report ${label}`);
  const files = await reportIn('CSALES', before);
  const comment = files[0]!.initial_comment!;
  expect(comment).toContain(`Monthly report`);
  expect(comment).toContain(label);
  expect(comment).toContain('4,321.50');
  expect(comment).not.toMatch(/to date/);
  expect(comment).toMatch(/Open pipeline at the end of/);
  expect(comment).not.toContain('98,765');
  expect(files.map((f) => f.alt_text)).toEqual([expect.stringContaining('Amy East'), expect.stringContaining(label), expect.stringContaining('Open pipeline at the end of')]);
  expect(files.every((f) => f.alt_text!.length <= 1000)).toBe(true);
});

test('a period not started yet, or one that is not a period, gets a short answer and no report', async () => {
  const next = DateTime.now().setZone('Asia/Shanghai').plus({ months: 1 }).toFormat('yyyy-LL');
  expect(textOf((await w.slack.command('ULI', '/report', next, { channelId: 'CSALES' })).body)).toContain(`${next} has not started yet`);
  expect(textOf((await w.slack.command('ULI', '/report', '2026-13', { channelId: 'CSALES' })).body)).toContain('could not read the period');
});

test('a rep cannot ask for the team report; their own works', async () => {
  const refused = await w.slack.command('UAMY', '/report', 'weekly team');
  expect(textOf(refused.body)).toMatch(/not for your team/);
  const own = await w.slack.command('UAMY', '/report', '', { channelId: 'DAMY' });
  expect(textOf(own.body)).toMatch(/Preparing the weekly report 2026-W\d\d for you/);
  // Posted where it was asked; her own figures only.
  const file = (await reportIn('DAMY', 0))[0]!;
  expect(file.initial_comment).toContain('12,000');
  expect(file.initial_comment).not.toContain('98,765');
});

test('subscriptions: a manager subscribes a channel, lists and stops it; a rep may not', async () => {
  const rep = await w.slack.command('UAMY', '/report', 'subscribe weekly <#CSALES|sales>');
  expect(textOf(rep.body)).toMatch(/manager or admin/);
  const sub = await w.slack.command('ULI', '/report', 'subscribe weekly <#CSALES|sales> 08:30');
  expect(textOf(sub.body)).toContain('#sales');
  expect(textOf(sub.body)).toContain('every Monday at 08:30');
  const row = await w.em().findOneOrFail(ReportSubscription, { channelId: 'CSALES' });
  expect(row).toMatchObject({ period: 'weekly', localTime: '08:30', timezone: 'Asia/Shanghai', scope: 'team' });
  const zh = await w.slack.command('ULI', '/report', '订阅 月报 <#CSALES|sales> 9点');
  expect(textOf(zh.body)).toContain('#sales');
  const list = await w.slack.command('ULI', '/report', 'subscriptions');
  expect(textOf(list.body)).toMatch(/weekly.*08:30/);
  const bad = await w.slack.command('ULI', '/report', 'subscribe weekly 25:00');
  expect(textOf(bad.body)).toContain('25:00');
  const stop = await w.slack.command('ULI', '/report', 'unsubscribe <#CSALES|sales>');
  expect(textOf(stop.body)).toMatch(/Stopped 2/);
  expect(await w.em().count(ReportSubscription, {})).toBe(0);
});

test('asked in a channel the bot is not in: the report comes by DM, saying why', async () => {
  w.fake.failNext('files.completeUploadExternal', { error: 'not_in_channel' });
  await w.slack.command('ULI', '/report', 'monthly', { channelId: 'CNOTMEMBER' });
  const dm = (await reportIn('DLI', 0))[0]!;
  expect(dm.initial_comment).toMatch(/could not post in that channel/);
  expect(dm.initial_comment).toMatch(/Monthly report/);
});

test('unknown words get help, not an error', async () => {
  const res = await w.slack.command('ULI', '/report', 'quarterly');
  expect(textOf(res.body)).toContain('quarterly');
  expect(textOf(res.body)).toContain('/report subscribe');
});

test('in Chinese: 上月 is the whole of last month, in Chinese words, dates and money', async () => {
  const before = w.fake.files.length;
  const res = await w.slack.command('UZHANG', '/report', '上月 团队', { channelId: 'CZH' });
  expect(textOf(res.body)).toMatch(/正在生成团队的月报/);
  const files = await reportIn('CZH', before);
  const comment = files[0]!.initial_comment!;
  const last = DateTime.now().setZone('Asia/Shanghai').minus({ months: 1 });
  expect(comment).toContain(`月报 · 张经理的团队 · ${last.toFormat('yyyy-LL')}`);
  expect(comment).toContain(`${last.toFormat('yyyy年M月1日')}–${last.endOf('month').toFormat('d日')}`);
  expect(comment).toContain('US$4,321.50');
  expect(comment).toContain('期末在途商机');
  expect(comment).not.toContain('截至目前');
  expect(files[0]!.alt_text).toContain('各销售赢单收入');
});
