import type { User } from '../../src/domain/org/user.entity';
import { systemActor, userActor } from '../../src/domain/shared/actor';
import { Opportunity } from '../../src/domain/opportunities/opportunity.entity';
import { StageChange } from '../../src/domain/opportunities/stage-change.entity';
import { createOpportunity } from '../../src/domain/opportunities/create-opportunity';
import { dismissSignalMatch } from '../../src/domain/signals/dismiss-signal-match';
import { processPendingSignals } from '../../src/domain/signals/process-signals';
import { saveSignalRule } from '../../src/domain/signals/save-signal-rule';
import { SignalMatch } from '../../src/domain/signals/signal-match.entity';
import { SignalRule } from '../../src/domain/signals/signal-rule.entity';
import { adaptiveCardProblems } from '../support/adaptive-card-validator';
import { startChatWorld, type ChatWorld, type TeamsPerson } from '../support/chat-world';
import { makeCustomer, makeUnit, makeUser } from '../support/factories';

/**
 * Signal rules and signal nudges over both bots: admins manage rules with `/sfa admin signals` on
 * Slack (English) and Teams (Chinese); the owner's nudge arrives on their platform and its
 * dismiss button works there (owner and manager only).
 */
let w: ChatWorld;
let slackRep: User;
let otherRep: User;
let manager: User;
let teamsRep: User;
let adminOnTeams: TeamsPerson;
let teamsRepOnTeams: TeamsPerson;

beforeAll(async () => {
  w = await startChatWorld();
  const em = w.em();
  const east = await makeUnit(em, w.tenant, 'Sales/East');
  await makeUser(em, w.tenant, { role: 'admin', slackUserId: 'USIGADMIN', name: 'Ada Admin' });
  slackRep = (await makeUser(em, w.tenant, { unit: east, slackUserId: 'USIGREP', name: 'Amy Signal' })).user;
  otherRep = (await makeUser(em, w.tenant, { unit: east, slackUserId: 'USIGOTHER', name: 'Otto Other' })).user;
  manager = (await makeUser(em, w.tenant, { role: 'manager', unit: east, manages: true, slackUserId: 'USIGMGR', name: 'Max Manager' })).user;
  teamsRep = (await makeUser(em, w.tenant, { name: '李雷', locale: 'zh-CN', timezone: 'Asia/Shanghai' })).user;
  const teamsAdmin = (await makeUser(em, w.tenant, { role: 'admin', name: '赵管理', locale: 'zh-CN', timezone: 'Asia/Shanghai' })).user;
  adminOnTeams = await w.onTeams(teamsAdmin, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', 'zh-CN');
  teamsRepOnTeams = await w.onTeams(teamsRep, '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', 'zh-CN');
}, 60_000);

afterAll(async () => {
  expect(w.fake.violations()).toEqual([]);
  await w?.stop();
});

const textOf = (body: unknown) => JSON.stringify(body);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sayOnTeams(person: TeamsPerson, text: string) {
  const before = w.teams.sent.length;
  const res = await w.postTeams(w.activity(person, { type: 'message', text }));
  expect(res.status).toBeLessThan(300);
  const reply = await w.teams.waitFor((s) => w.teams.sent.indexOf(s) >= before && s.conversationId === `a:${person.aadObjectId}`, 15_000);
  const card = reply.activity.attachments?.[0]?.content;
  expect(adaptiveCardProblems(card)).toEqual([]);
  return card;
}

let seq = 0;
async function signal(ref: Record<string, string>, opts: { type?: string; sku?: string; url?: string } = {}) {
  await w.em().getConnection().execute(
    `insert into signal_events (tenant_id, event_id, type, occurred_at, customer_ref, product_sku, url) values (?, ?, ?, now(), ?::jsonb, ?, ?)`,
    [w.tenant.id, `chat-ev-${++seq}`, opts.type ?? 'page_view', JSON.stringify(ref), opts.sku ?? null, opts.url ?? null],
  );
}

test('admin signals on Slack: presets when empty, add, list with counts, grammar errors with an example, remove; refused for a rep', async () => {
  const empty = textOf((await w.slack.command('USIGADMIN', '/sfa', 'admin signals')).body);
  expect(empty).toContain('No signal rules yet');
  expect(empty).toContain('type=seminar_attended count=1 days=30 bump=15');

  const added = textOf((await w.slack.command('USIGADMIN', '/sfa', 'admin signals add "Pricing page" type=page_view count=3 days=7 sku=each url=/pricing bump=10')).body);
  expect(added).toContain('Added signal rule *Pricing page*: 3× page views of one product within 7 days · URL contains “/pricing” · +10 points.');
  expect(await w.em().findOneOrFail(SignalRule, { tenantId: w.tenant.id, name: 'Pricing page' })).toMatchObject({ eventType: 'page_view', minCount: 3, windowDays: 7, perProduct: true, productSku: null, urlContains: '/pricing', scoreBump: 10, active: true });
  const again = textOf((await w.slack.command('USIGADMIN', '/sfa', 'admin signals add "pricing PAGE" type=page_view count=3 days=7 sku=each url=/pricing bump=10')).body);
  expect(again).toContain('is already set like that');

  await signal({ email: 'nobody@unknown.example' }, { sku: 'SKU-9', url: '/pricing/sku-9' });
  await signal({ email: 'nobody@unknown.example' });
  await processPendingSignals(w.em(), { tenantId: w.tenant.id, now: new Date(), limit: 100 });
  const listed = textOf((await w.slack.command('USIGADMIN', '/sfa', 'admin signals')).body);
  expect(listed).toContain('*Pricing page* — 3× page views of one product within 7 days');
  expect(listed).toContain('fired 0× in 7 days');
  expect(listed).toContain('Signals received in the last 7 days: 0 matched, 2 unmatched, 0 waiting.');
  const unmatched = textOf((await w.slack.command('USIGADMIN', '/sfa', 'admin signals unmatched')).body);
  expect(unmatched).toContain('email nobody@unknown.example — 2× page views · SKU-9 · /pricing/sku-9');
  expect(unmatched).toContain('no such customer');

  const badCount = textOf((await w.slack.command('USIGADMIN', '/sfa', 'admin signals add "X" type=page_view count=0')).body);
  expect(badCount).toContain('“count=0” is out of range');
  expect(badCount).toContain('/sfa admin signals add \\"Pricing page\\" type=page_view count=3 days=7 sku=each bump=10');
  expect(textOf((await w.slack.command('USIGADMIN', '/sfa', 'admin signals add "No type" count=2')).body)).toContain('Which kind of event does it count?');
  expect(textOf((await w.slack.command('USIGADMIN', '/sfa', 'admin signals add "Odd" type=page_view colour=red')).body)).toContain('I could not read “colour=red”');
  expect(await w.em().count(SignalRule, { tenantId: w.tenant.id })).toBe(1);

  const refused = textOf((await w.slack.command('USIGREP', '/sfa', 'admin signals add "Mine" type=download')).body);
  expect(refused).toContain('Only an admin can do that');
  expect(await w.em().count(SignalRule, { tenantId: w.tenant.id })).toBe(1);

  expect(textOf((await w.slack.command('USIGADMIN', '/sfa', 'admin signals remove "Nope"')).body)).toContain('There is no signal rule named “Nope”');
  expect(textOf((await w.slack.command('USIGADMIN', '/sfa', 'admin signals remove "Pricing page"')).body)).toContain('Removed signal rule *Pricing page*');
  expect(await w.em().count(SignalRule, { tenantId: w.tenant.id })).toBe(0);
  const audits: Array<{ action: string }> = await w.em().getConnection().execute(`select action from audit_log where tenant_id = ? and entity_type = 'signal_rule' order by id`, [w.tenant.id]);
  expect(audits.map((a) => a.action)).toEqual(['signal_rule.create', 'signal_rule.remove']);
});

test('admin signals on Teams, in Chinese: 信号 as the verb, added and listed', async () => {
  const added = textOf(await sayOnTeams(adminOnTeams, 'sfa admin 信号 add "研讨会" type=seminar count=1 days=30 bump=15'));
  expect(added).toContain('已添加信号规则');
  expect(added).toContain('30 天内 1 次研讨会参会 · +15 分');
  const listed = textOf(await sayOnTeams(adminOnTeams, 'sfa admin signals'));
  expect(listed).toContain('信号规则');
  expect(listed).toContain('研讨会');
  expect(listed).toContain('近 7 天触发 0 次');
  const bad = textOf(await sayOnTeams(adminOnTeams, 'sfa admin signals add "坏" type=webinar days=999'));
  expect(bad).toContain('“days=999”超出范围');
  // The example is Chinese for a Chinese reader.
  expect(bad).toContain('试试：`sfa admin 信号 add \\"价格页关注\\" type=page_view count=3 days=7 sku=each`');
  expect(bad).not.toContain('Pricing page');
  const each = textOf(await sayOnTeams(adminOnTeams, 'sfa admin 信号 add "价格页关注" type=page_view count=3 days=7 sku=each'));
  expect(each).toContain('7 天内同一产品的 3 次页面浏览');
  // The unmatched signals of the first test: field names in Chinese, the count read naturally.
  const unmatched = textOf(await sayOnTeams(adminOnTeams, 'sfa admin 信号 unmatched'));
  expect(unmatched).toContain('邮箱 nobody@unknown.example — 2 次页面浏览 · SKU-9 · /pricing/sku-9');
  expect(unmatched).not.toContain('email ');
  await w.em().getConnection().execute(`delete from signal_rules where tenant_id = ?`, [w.tenant.id]);
});

test('the nudge on Slack: dismissed by the owner (the card answers updated), refused for another rep; dismissing twice changes nothing more', async () => {
  const em = w.em();
  await saveSignalRule(em, systemActor(w.tenant.id, 'test'), { name: 'Price list', eventType: 'download', minCount: 1, windowDays: 14, urlContains: 'price', scoreBump: 20 });
  const customer = await makeCustomer(em, w.tenant, slackRep, 'Slack Signal Co', { email: 'buyer@slack-signal.example' });
  await signal({ email: 'buyer@slack-signal.example' }, { type: 'download', url: '/files/price-list.pdf' });
  await processPendingSignals(w.em(), { tenantId: w.tenant.id, now: new Date(), limit: 100 });
  const match = await w.em().findOneOrFail(SignalMatch, { customerId: customer.id });

  const dm = await w.fake.waitFor('chat.postMessage', (c) => textOf(c.args).includes('Buying signal: Slack Signal Co'), 15_000);
  const text = textOf(dm.args);
  expect(text).toContain('Price list');
  expect(text).toContain('/files/price-list.pdf');
  expect(text).toContain('I opened a new deal for you');
  // One icon in the title: the 🔥, no ⚠️ before it.
  expect(text).not.toContain(':warning:');
  const blocks = dm.args.blocks as Array<{ type: string; elements?: Array<{ type: string; action_id: string; value?: string }> }>;
  const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
  expect(buttons.map((b) => [b.action_id.split(':')[0], b.value])).toEqual([
    ['visit.plan_for', customer.id],
    ['opp.open', match.opportunityId],
    ['signal.dismiss', match.id],
  ]);
  const dismiss = buttons.find((b) => b.action_id.startsWith('signal.dismiss'))!;

  const byOther = await w.slack.blockAction('USIGOTHER', { action_id: dismiss.action_id, value: dismiss.value, responseUrl: w.fake.responseUrl('dismiss-other') });
  expect(byOther.status).toBe(200);
  const refused = await w.fake.waitFor('response', (r) => r.id === 'dismiss-other', 10_000);
  expect(textOf(refused.body)).toContain('That belongs to someone outside your team');
  expect((await w.em().findOneOrFail(SignalMatch, { id: match.id })).dismissedAt).toBeNull();

  await w.slack.blockAction('USIGREP', { action_id: dismiss.action_id, value: dismiss.value, responseUrl: w.fake.responseUrl('dismiss-owner') });
  const answered = await w.fake.waitFor('response', (r) => r.id === 'dismiss-owner', 10_000);
  expect(answered.body).toMatchObject({ replace_original: true });
  expect(textOf(answered.body)).toContain('Dismissed by Amy Signal');
  expect(textOf(answered.body)).not.toContain('signal.dismiss');
  const dismissed = await w.em().findOneOrFail(SignalMatch, { id: match.id });
  expect(dismissed.dismissedAt).not.toBeNull();
  expect(dismissed.dismissedBy).toBe(slackRep.id);
  // The ¥0 deal this firing opened was untouched: closed as lost, in its history and the audit, and the answer says so.
  expect(textOf(answered.body)).toContain('so it is closed as lost (“Signal dismissed”)');
  const closed = await w.em().findOneOrFail(Opportunity, { id: match.opportunityId! });
  expect(closed).toMatchObject({ stage: 'lost', lostReason: 'Signal dismissed' });
  expect(await w.em().findOneOrFail(StageChange, { opportunityId: closed.id, toStage: 'lost' })).toMatchObject({ fromStage: 'initial_contact', changedBy: slackRep.id, note: 'Signal dismissed' });
  const lostAudit = await w.em().getConnection().execute(`select count(*)::int as n from audit_log where action = 'opportunity.stage.lost' and entity_id = ?`, [closed.id]);
  expect(lostAudit[0].n).toBe(1);

  // The manager's click on a stale copy: already dismissed, answered with the card as it is, nothing more written.
  await w.slack.blockAction('USIGMGR', { action_id: dismiss.action_id, value: dismiss.value, responseUrl: w.fake.responseUrl('dismiss-manager') });
  const managerAnswer = await w.fake.waitFor('response', (r) => r.id === 'dismiss-manager', 10_000);
  expect(textOf(managerAnswer.body)).toContain('Dismissed by Amy Signal');
  const audits = await w.em().getConnection().execute(`select count(*)::int as n from audit_log where action = 'signal_match.dismiss' and entity_id = ?`, [match.id]);
  expect(audits[0].n).toBe(1);
  expect(textOf(managerAnswer.body)).not.toContain('closed as lost');
  expect(await w.em().count(StageChange, { opportunityId: closed.id, toStage: 'lost' })).toBe(1);
  void manager;
  void otherRep;
});

test('the nudge on Teams, in Chinese: the dismiss button answers with the updated card', async () => {
  const em = w.em();
  // The owner has talked to the bot once, so it can write to them.
  await sayOnTeams(teamsRepOnTeams, '帮助');
  const customer = await makeCustomer(em, w.tenant, teamsRep, '蓝海贸易', { externalId: 'LH-1' });
  await signal({ external_id: 'LH-1' }, { type: 'download', url: '/downloads/price-2026.xlsx' });
  await processPendingSignals(w.em(), { tenantId: w.tenant.id, now: new Date(), limit: 100 });
  const match = await w.em().findOneOrFail(SignalMatch, { customerId: customer.id });

  const proactive = await w.teams.waitFor((s) => s.conversationId === `a:${teamsRepOnTeams.aadObjectId}` && JSON.stringify(s.activity).includes('购买信号：蓝海贸易'), 15_000);
  const card = proactive.activity.attachments[0].content;
  expect(adaptiveCardProblems(card)).toEqual([]);
  expect(JSON.stringify(card)).toContain('/downloads/price-2026.xlsx');
  const actions: Array<{ type: string; verb?: string; data?: Record<string, unknown>; title?: string }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Action.')) actions.push(o as never);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  const dismiss = actions.find((a) => a.verb === 'signal.dismiss')!;
  expect(dismiss.title).toBe('忽略');
  await w.em().getConnection().execute(`update opportunities set amount = 5000 where id = ?`, [match.opportunityId]);
  expect(actions.map((a) => a.title)).toEqual(expect.arrayContaining(['安排拜访', '打开商机', '忽略']));
  const res = await w.postTeams(w.activity(teamsRepOnTeams, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: dismiss.verb, data: dismiss.data }, trigger: 'manual' } }));
  expect(res.status).toBe(200);
  const answer = JSON.parse(await res.text());
  expect(adaptiveCardProblems(answer.value)).toEqual([]);
  expect(JSON.stringify(answer.value)).toContain('李雷 已于');
  // The deal was worked on (an amount given): it stays open, and the answer says so, in Chinese.
  expect(JSON.stringify(answer.value)).toContain('保持进行中：信号新建它之后已有人跟进');
  expect(JSON.stringify(answer.value)).not.toContain('"signal.dismiss"');
  await sleep(200);
  expect((await w.em().findOneOrFail(SignalMatch, { id: match.id })).dismissedBy).toBe(teamsRep.id);
  expect((await w.em().findOneOrFail(Opportunity, { id: match.opportunityId! })).stage).toBe('initial_contact');
}, 60_000);

test('dismissed in Chinese, an untouched deal the signal opened is closed with the reason in Chinese; one it only strengthened stays', async () => {
  const em = w.em();
  await saveSignalRule(em, systemActor(w.tenant.id, 'test'), { name: 'Price 2027', eventType: 'download', minCount: 1, windowDays: 14, urlContains: 'rates-2027', scoreBump: 10 });
  await saveSignalRule(em, systemActor(w.tenant.id, 'test'), { name: 'Price 2028', eventType: 'download', minCount: 1, windowDays: 14, urlContains: 'rates-2028', scoreBump: 10 });
  const customer = await makeCustomer(em, w.tenant, teamsRep, '红杉贸易', { externalId: 'HS-1' });
  await signal({ external_id: 'HS-1' }, { type: 'download', url: '/downloads/rates-2027.xlsx' });
  await processPendingSignals(w.em(), { tenantId: w.tenant.id, now: new Date(), limit: 100 });
  const match = await w.em().findOneOrFail(SignalMatch, { customerId: customer.id, ruleName: 'Price 2027' });
  expect(match.outcome).toBe('created');
  const dismissed = await dismissSignalMatch(w.em(), userActor(w.tenant.id, teamsRep.id, 'rep'), match.id, new Date(), { lostReason: '信号已忽略' });
  expect(dismissed.deal).toEqual({ outcome: 'closed', title: expect.any(String) });
  expect(await w.em().findOneOrFail(Opportunity, { id: match.opportunityId! })).toMatchObject({ stage: 'lost', lostReason: '信号已忽略' });

  // A deal of the owner's own the firing only counted on: not the firing's to close.
  const own = await createOpportunity(w.em(), userActor(w.tenant.id, teamsRep.id, 'rep'), { customerId: customer.id, title: '红杉二期', amount: '0' });
  await signal({ external_id: 'HS-1' }, { type: 'download', url: '/downloads/rates-2028.xlsx' });
  await processPendingSignals(w.em(), { tenantId: w.tenant.id, now: new Date(), limit: 100 });
  const second = await w.em().findOneOrFail(SignalMatch, { customerId: customer.id, ruleName: 'Price 2028' });
  expect(second).toMatchObject({ outcome: 'strengthened', opportunityId: own.id });
  expect((await dismissSignalMatch(w.em(), userActor(w.tenant.id, teamsRep.id, 'rep'), second.id)).deal).toBeNull();
  expect((await w.em().findOneOrFail(Opportunity, { id: own.id })).stage).toBe('initial_contact');
});
