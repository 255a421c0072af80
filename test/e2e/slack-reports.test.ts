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
  const acme = await makeCustomer(em, w.tenant, amy.user, 'ACME');
  const westwind = await makeCustomer(em, w.tenant, wu.user, 'Westwind');
  const wonAt = DateTime.utc().startOf('week').plus({ hours: 30 }).toJSDate();
  const won = (customerId: string, ownerId: string, title: string, amount: string) =>
    em.create(Opportunity, { tenantId: w.tenant.id, customerId, ownerId, title, amount, currency: 'USD', stage: 'won', probability: 100, closedAt: wonAt, stageChangedAt: wonAt } as Opportunity);
  won(acme.id, amy.user.id, 'East deal', '12000.00');
  won(westwind.id, wu.user.id, 'West secret deal', '98765.00');
  await em.flush();
}, 60_000);

afterAll(async () => {
  expect(w.fake.violations()).toEqual([]);
  await w.stop();
});

const textOf = (body: unknown): string => JSON.stringify(body);

test('/report weekly team by a manager puts PNG charts and the numbers into the channel, own unit only', async () => {
  const res = await w.slack.command('ULI', '/report', 'weekly team', { channelId: 'CSALES' });
  expect(res.ms).toBeLessThan(3000);
  expect(textOf(res.body)).toMatch(/Preparing the weekly report/);
  const file = await eventually(() => {
    const f = w.fake.files.find((x) => x.channel_id === 'CSALES');
    if (!f) throw new Error('no file yet');
    return f;
  }, 20_000);
  const image = await loadImage(file.bytes);
  expect(image.width).toBeGreaterThan(300);
  expect(file.initial_comment).toContain('12,000');
  expect(file.initial_comment).not.toContain('98,765');
});

test('a rep cannot ask for the team report; their own works', async () => {
  const refused = await w.slack.command('UAMY', '/report', 'weekly team');
  expect(textOf(refused.body)).toMatch(/not for your team/);
  const own = await w.slack.command('UAMY', '/report', '', { channelId: 'DAMY' });
  expect(textOf(own.body)).toMatch(/Preparing the weekly report for you/);
  // Posted where it was asked; her own figures only.
  const file = await eventually(() => {
    const f = w.fake.files.find((x) => x.channel_id === 'DAMY');
    if (!f) throw new Error('no file yet');
    return f;
  }, 20_000);
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
  const dm = await eventually(() => {
    const f = w.fake.files.find((x) => x.channel_id === 'DLI');
    if (!f) throw new Error('no DM yet');
    return f;
  }, 20_000);
  expect(dm.initial_comment).toMatch(/could not post in that channel/);
  expect(dm.initial_comment).toMatch(/monthly report/);
});

test('unknown words get help, not an error', async () => {
  const res = await w.slack.command('ULI', '/report', 'quarterly');
  expect(textOf(res.body)).toContain('quarterly');
  expect(textOf(res.body)).toContain('/report subscribe');
});
