import { DateTime } from 'luxon';
import { Customer } from '../../src/domain/customers/customer.entity';
import { getPoolSettings, setPoolSettings } from '../../src/domain/customers/pool-settings';
import type { User } from '../../src/domain/org/user.entity';
import { systemActor } from '../../src/domain/shared/actor';
import { poolReturnJob } from '../../src/jobs/pool-return.job';
import { adaptiveCardProblems } from '../support/adaptive-card-validator';
import { startChatWorld, type ChatWorld, type TeamsPerson } from '../support/chat-world';
import { makeCustomer, makeUser } from '../support/factories';

/**
 * The public pool over both bots: admins set the rules with `/sfa admin pool` on Slack and on
 * Teams; an owner on each platform gets the warning DM in Chinese, and its buttons work there.
 */
let w: ChatWorld;
let admin: User;
let slackRep: User;
let teamsRep: User;
let adminOnTeams: TeamsPerson;
let teamsRepOnTeams: TeamsPerson;
const zone = 'Asia/Shanghai';

beforeAll(async () => {
  w = await startChatWorld();
  const em = w.em();
  await em.getConnection().execute(`update tenants set default_timezone = ? where id = ?`, [zone, w.tenant.id]);
  admin = (await makeUser(em, w.tenant, { role: 'admin', slackUserId: 'UPOOLADMIN', name: 'Ada Admin', timezone: zone })).user;
  slackRep = (await makeUser(em, w.tenant, { slackUserId: 'UPOOLREP', name: '王芳', locale: 'zh-CN', timezone: zone })).user;
  teamsRep = (await makeUser(em, w.tenant, { name: '李雷', locale: 'zh-CN', timezone: zone })).user;
  const teamsAdmin = (await makeUser(em, w.tenant, { role: 'admin', name: '赵管理', locale: 'zh-CN', timezone: zone })).user;
  adminOnTeams = await w.onTeams(teamsAdmin, '6f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f', 'zh-CN');
  teamsRepOnTeams = await w.onTeams(teamsRep, '5e0d1c2b-3a49-4b5c-8d6e-7f8091a2b3c4', 'zh-CN');
}, 60_000);

afterAll(async () => {
  expect(w.fake.violations()).toEqual([]);
  await w?.stop();
});

const textOf = (body: unknown) => JSON.stringify(body);

/** Says something to the bot in Teams and returns the card of the reply. */
async function sayOnTeams(person: TeamsPerson, text: string) {
  const before = w.teams.sent.length;
  const res = await w.postTeams(w.activity(person, { type: 'message', text }));
  expect(res.status).toBeLessThan(300);
  const reply = await w.teams.waitFor((s) => w.teams.sent.indexOf(s) >= before && s.conversationId === `a:${person.aadObjectId}`, 15_000);
  const card = reply.activity.attachments?.[0]?.content;
  expect(adaptiveCardProblems(card)).toEqual([]);
  return card;
}

test('admin pool commands on Slack: shown, set with tiers, refused when the warning is not before the return, refused for a rep', async () => {
  const shown = await w.slack.command('UPOOLADMIN', '/sfa', 'admin pool');
  expect(textOf(shown.body)).toContain('Auto-return: off.');
  expect(textOf(shown.body)).toContain('Claims: no limit.');
  const set = await w.slack.command('UPOOLADMIN', '/sfa', 'admin pool return 30 A=60 B=45 C=30');
  expect(textOf(set.body)).toContain('Auto-return: an owned customer with no activity for 30 days goes back to the pool.');
  expect(textOf(set.body)).toContain('By tier: A 60 days · B 45 days · C 30 days');
  expect(textOf(set.body)).toContain('Owners are warned 3 days before.');
  const refused = await w.slack.command('UPOOLADMIN', '/sfa', 'admin pool warn 30');
  expect(textOf(refused.body)).toContain('The warning (days before the return) can be at most 29.');
  const bad = await w.slack.command('UPOOLADMIN', '/sfa', 'admin pool return soon');
  expect(textOf(bad.body)).toContain('I did not understand that.');
  const rep = await w.slack.command('UPOOLREP', '/sfa', 'admin pool claims 1');
  expect(textOf(rep.body)).toContain('只有管理员');
  expect(await getPoolSettings(w.em(), systemActor(w.tenant.id))).toEqual({ returnDays: 30, tierDays: { A: 60, B: 45, C: 30 }, warnDays: 3, maxClaims: null });
});

test('admin pool commands on Teams, in Chinese: claims limit set and shown; 公海 works as the verb', async () => {
  const set = await sayOnTeams(adminOnTeams, 'sfa admin 公海 认领 20');
  expect(textOf(set)).toContain('认领：每位销售最多持有 20 个从公海认领的客户。');
  expect(textOf(set)).toContain('自动退回：已有负责人的客户连续 30 天没有跟进，将退回公海。');
  const warn = await sayOnTeams(adminOnTeams, 'sfa admin pool warn 5');
  expect(textOf(warn)).toContain('退回前 5 天提醒负责人。');
  expect(await getPoolSettings(w.em(), systemActor(w.tenant.id))).toMatchObject({ returnDays: 30, warnDays: 5, maxClaims: 20 });
});

test('the warning DM arrives in Chinese on Slack and on Teams, and its buttons work there', async () => {
  const em = w.em();
  await setPoolSettings(w.em(), systemActor(w.tenant.id), { returnDays: 30, tierDays: {}, warnDays: 5 });
  const today = DateTime.now().setZone(zone).startOf('day');
  // Untiered, 30 days, warned 5 days before: the last activity 25 local days ago makes today the warning day.
  const since = today.minus({ days: 25 }).set({ hour: 10 }).toJSDate();
  const slackCustomer = await makeCustomer(em, w.tenant, slackRep, '华星科技');
  const teamsCustomer = await makeCustomer(em, w.tenant, teamsRep, '蓝海贸易');
  await em.getConnection().execute(`update customers set owner_since = ? where id in (?, ?)`, [since, slackCustomer.id, teamsCustomer.id]);
  // The Teams owner has talked to the bot once, so it can write to them.
  await sayOnTeams(teamsRepOnTeams, '帮助');

  const date = today.toISODate()!;
  await w.service.worker!.queues.add(poolReturnJob, { tenantId: w.tenant.id, date });
  const returnOn = today.plus({ days: 5 }).setLocale('zh-CN').toFormat('yyyy年M月d日');

  // Slack.
  const dm = await w.fake.waitFor('chat.postMessage', (c) => JSON.stringify(c.args).includes('即将退回公海的客户'), 15_000);
  const dmText = JSON.stringify(dm.args);
  expect(dmText).toContain('华星科技');
  expect(dmText).toContain(`将于 ${returnOn} 退回公海`);
  expect(dmText).not.toContain('蓝海贸易');
  const blocks = dm.args.blocks as Array<{ type: string; elements?: Array<{ type: string; action_id: string; value?: string; text?: { text: string } }> }>;
  const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
  expect(buttons.map((b) => [b.action_id.split(':')[0], b.value, b.text?.text])).toEqual([
    ['visit.log_for', slackCustomer.id, '记录拜访'],
    ['visit.plan_for', slackCustomer.id, '计划拜访'],
    ['customer.open', slackCustomer.id, '详情'],
  ]);
  const click = async (action: string) => {
    const button = buttons.find((b) => b.action_id.startsWith(`${action}:`) || b.action_id === action)!;
    const mark = w.fake.mark();
    const res = await w.slack.blockAction('UPOOLREP', { action_id: button.action_id, value: button.value, channelId: String(dm.args.channel), message: { ts: String((dm.response as { ts?: string }).ts ?? '1.0') } });
    expect(res.status).toBe(200);
    return mark;
  };
  let mark = await click('visit.log_for');
  const logForm = await w.fake.waitFor('views.open', () => true, 5000, { after: mark });
  expect(JSON.stringify(logForm.args.view)).toContain('华星科技');
  mark = await click('visit.plan_for');
  const planForm = await w.fake.waitFor('views.open', () => true, 5000, { after: mark });
  expect(JSON.stringify(planForm.args.view)).toContain('华星科技');
  mark = await click('customer.open');
  const opened = await w.fake.waitFor('response', () => true, 5000, { after: mark });
  expect(JSON.stringify(opened.body)).toContain('华星科技');

  // Teams.
  const proactive = await w.teams.waitFor((s) => s.conversationId === `a:${teamsRepOnTeams.aadObjectId}` && JSON.stringify(s.activity).includes('即将退回公海的客户'), 15_000);
  const card = proactive.activity.attachments[0].content;
  expect(adaptiveCardProblems(card)).toEqual([]);
  const cardText = JSON.stringify(card);
  expect(cardText).toContain('蓝海贸易');
  expect(cardText).toContain(`将于 ${returnOn} 退回公海`);
  expect(cardText).not.toContain('华星科技');
  const invoke = async (activity: Record<string, unknown>) => {
    const res = await w.postTeams(w.activity(teamsRepOnTeams, activity));
    expect(res.status).toBe(200);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  };
  // The form buttons open a dialog (task/fetch); "details" answers with the customer card (Action.Execute).
  const actions: Array<{ type: string; verb?: string; data?: Record<string, unknown> }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Action.')) actions.push(o as never);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  expect(actions.length).toBeGreaterThanOrEqual(3);
  const byAction = (id: string) => actions.find((a) => a.verb === id || (a.data && JSON.stringify(a.data).includes(`"${id}"`)));
  for (const id of ['visit.log_for', 'visit.plan_for']) {
    const action = byAction(id)!;
    expect(action).toBeDefined();
    const answer = action.type === 'Action.Execute'
      ? await invoke({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: action.verb, data: action.data }, trigger: 'manual' } })
      : await invoke({ type: 'invoke', name: 'task/fetch', value: { data: action.data } });
    expect(JSON.stringify(answer)).toContain('蓝海贸易');
  }
  const details = byAction('customer.open')!;
  const answer = await invoke({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: details.verb, data: details.data }, trigger: 'manual' } });
  expect(adaptiveCardProblems(answer.value)).toEqual([]);
  expect(JSON.stringify(answer.value)).toContain('蓝海贸易');

  // Once: the same day's job enqueued again (a second tick) adds nothing.
  await w.service.worker!.queues.add(poolReturnJob, { tenantId: w.tenant.id, date });
  await new Promise((r) => setTimeout(r, 1500));
  expect(w.fake.callsTo('chat.postMessage').filter((c) => JSON.stringify(c.args).includes('即将退回公海的客户'))).toHaveLength(1);
  expect(w.teams.sent.filter((s) => JSON.stringify(s.activity).includes('即将退回公海的客户'))).toHaveLength(1);
  expect((await w.em().findOneOrFail(Customer, { id: slackCustomer.id })).ownerId).toBe(slackRep.id);
}, 60_000);
