import { adaptiveCardProblems } from '../support/adaptive-card-validator';
import { eventually } from '../support/eventually';
import { startChatWorld, type ChatWorld, type TeamsPerson } from '../support/chat-world';
import { makeCustomer, makeUnit, makeUser } from '../support/factories';
import { Customer } from '../../src/domain/customers/customer.entity';
import { TierRule } from '../../src/domain/customers/tier-rule.entity';
import { Opportunity } from '../../src/domain/opportunities/opportunity.entity';
import type { User } from '../../src/domain/org/user.entity';

/** `/sfa admin tiers …` and the customer card's tier line, over HTTP on Slack and Teams. */
let w: ChatWorld;
let admin: User;
let adminOnTeams: TeamsPerson;
let zhOnTeams: TeamsPerson;
let steel: Customer;
let quiet: Customer;

beforeAll(async () => {
  w = await startChatWorld();
  const em = w.em();
  const east = await makeUnit(em, w.tenant, 'Sales/East');
  admin = (await makeUser(em, w.tenant, { role: 'admin', slackUserId: 'UTIERADM', name: 'Ada Tiers' })).user;
  await makeUser(em, w.tenant, { role: 'admin', slackUserId: 'UTIERZH', name: '张管理', locale: 'zh-CN' });
  const rep = (await makeUser(em, w.tenant, { unit: east, slackUserId: 'UTIERREP', name: 'Ray Rep' })).user;
  const zhManager = (await makeUser(em, w.tenant, { role: 'manager', unit: east, manages: true, name: '李经理', locale: 'zh-CN' })).user;
  steel = await makeCustomer(em, w.tenant, rep, 'Eastern Steel', { region: 'East' });
  quiet = await makeCustomer(em, w.tenant, rep, 'Quiet Co', { region: 'West' });
  em.create(Opportunity, { tenantId: w.tenant.id, customerId: steel.id, ownerId: rep.id, title: 'Mill line', amount: '600000.00', currency: w.tenant.defaultCurrency, stage: 'won', probability: 100, closedAt: new Date() } as Opportunity);
  await em.flush();
  adminOnTeams = await w.onTeams(admin, '6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f');
  zhOnTeams = await w.onTeams(zhManager, '5b0c1d2e-3f4a-4b5c-9d6e-7f8a9b0c1d2e', 'zh-CN');
}, 60_000);

afterAll(async () => {
  expect(w.fake.violations()).toEqual([]);
  await w.stop();
});

const textOf = (body: unknown): string => JSON.stringify(body);
const tierOf = async (c: Customer) => w.em().findOneOrFail(Customer, { id: c.id });

async function sayTeams(person: TeamsPerson, text: string): Promise<string> {
  const activity = w.activity(person, { type: 'message', text });
  const before = w.teams.sent.length;
  expect((await w.postTeams(activity)).status).toBeLessThan(300);
  const reply = await w.teams.waitFor((s) => w.teams.sent.indexOf(s) >= before && s.conversationId === `a:${person.aadObjectId}`, 15_000);
  const card = reply.activity.attachments?.[0]?.content;
  expect(adaptiveCardProblems(card)).toEqual([]);
  return JSON.stringify(card);
}

test('Slack: an admin adds a rule; the customer it matches is tier A at once and the card names the rule', async () => {
  const added = textOf((await w.slack.command('UTIERADM', '/sfa', 'admin tiers add "Big accounts East" tier=A key=yes region=East,North won>=500k')).body);
  expect(added).toContain('Added rule *Big accounts East* at position 1.');
  expect(added).toContain('Tiers recomputed: 2 customers checked, 2 changed tier or key account.');
  expect(added).toContain('1. *Big accounts East* → A · key account — region East, North · won ≥ $500,000.00 in 12 months · customers: 1');
  expect(await tierOf(steel)).toMatchObject({ tier: 'A', keyAccount: true, tierRuleName: 'Big accounts East' });
  expect((await tierOf(quiet)).tier).toBe('C');

  const card = textOf((await w.slack.command('UTIERREP', '/customer', 'Eastern Steel')).body);
  expect(card).toContain('A · ⭐ Key account · rule “Big accounts East”');
  const listed = textOf((await w.slack.command('UTIERADM', '/sfa', 'admin tier')).body);
  expect(listed).toContain('no match: tier C (customers: 1)');
});

test('Slack: a rep can neither change rules nor set a tier by hand; nothing is written', async () => {
  const rules = await w.em().count(TierRule, { tenantId: w.tenant.id });
  const add = textOf((await w.slack.command('UTIERREP', '/sfa', 'admin tiers add "Mine" tier=A')).body);
  expect(add).toContain('Only an admin can do that.');
  const override = textOf((await w.slack.command('UTIERREP', '/sfa', 'admin tiers override "Quiet Co" A')).body);
  expect(override).toContain('Only an admin can do that.');
  expect(await w.em().count(TierRule, { tenantId: w.tenant.id })).toBe(rules);
  expect(await tierOf(quiet)).toMatchObject({ tier: 'C', tierOverride: null });

  // The new-customer form offers a rep no tier once there are rules; an admin still gets one.
  const formBlocks = async (user: string) => {
    const mark = w.fake.mark();
    expect((await w.slack.command(user, '/customer', 'new')).status).toBe(200);
    const opened = await w.fake.waitFor('views.open', undefined, 5000, { after: mark });
    return ((opened.args.view as { blocks: Array<{ block_id?: string }> }).blocks ?? []).map((b) => b.block_id);
  };
  const repBlocks = await formBlocks('UTIERREP');
  expect(repBlocks).toContain('name');
  expect(repBlocks).not.toContain('tier');
  expect(await formBlocks('UTIERADM')).toContain('tier');
  // A crafted submission with a tier is still refused under the field; without one the rules decide.
  const values = (tier?: string) => ({
    name: { name: { type: 'plain_text_input', value: 'Form East Ltd' } },
    region: { region: { type: 'plain_text_input', value: 'East' } },
    owner: { owner: { type: 'static_select', selected_option: { value: 'me' } } },
    ...(tier ? { tier: { tier: { type: 'static_select', selected_option: { value: tier } } } } : {}),
  });
  const picked = await w.slack.viewSubmission('UTIERREP', { callback_id: 'customer.new', state: { values: values('A') } });
  expect(picked.body).toMatchObject({ response_action: 'errors', errors: { tier: 'Tiers here are set by rules: leave this empty (a manager or admin can set one by hand).' } });
  expect(await w.em().count(Customer, { name: 'Form East Ltd' })).toBe(0);
  await w.slack.viewSubmission('UTIERREP', { callback_id: 'customer.new', state: { values: values() } });
  await eventually(async () => expect(await w.em().findOne(Customer, { name: 'Form East Ltd' })).toMatchObject({ tier: 'C', tierRuleName: null }));
  await w.em().nativeDelete(Customer, { name: 'Form East Ltd' });
});

test('Slack: a Chinese-speaking admin sees the rules in Chinese; a bad command gets the usage', async () => {
  const listed = textOf((await w.slack.command('UTIERZH', '/sfa', 'admin 分级')).body);
  expect(listed).toContain('分级规则');
  expect(listed).toContain('区域 East, North');
  expect(listed).toContain('适用 1 个客户');
  const usage = textOf((await w.slack.command('UTIERZH', '/sfa', 'admin 分级 新增 "没有等级" region=华东')).body);
  expect(usage).toContain('按规则给客户分级');
  expect(await w.em().count(TierRule, { tenantId: w.tenant.id, name: '没有等级' })).toBe(0);
});

test('Teams: override, the card says "set by hand", recompute keeps it; clear hands it back; a zh-CN manager reads Chinese', async () => {
  const set = await sayTeams(adminOnTeams, 'sfa admin tiers override "Quiet Co" B key=yes');
  expect(set).toContain('is tier B · key account, set by hand');
  expect(await tierOf(quiet)).toMatchObject({ tier: 'B', keyAccount: true, tierOverride: 'B', keyAccountOverride: true });
  expect(await sayTeams(adminOnTeams, 'customer Quiet Co')).toContain('B · ⭐ Key account · set by hand');

  expect(await sayTeams(adminOnTeams, 'sfa admin tiers run')).toContain('Tiers recomputed: 2 customers checked, 0 changed');
  expect((await tierOf(quiet)).tier).toBe('B');

  expect(await sayTeams(zhOnTeams, 'customer Eastern Steel')).toContain('A · ⭐ 重点客户 · 规则“Big accounts East”');

  expect(await sayTeams(adminOnTeams, 'sfa admin tiers override "Quiet Co" clear')).toContain('follows the rules again: tier C');
  expect(await tierOf(quiet)).toMatchObject({ tier: 'C', keyAccount: false, tierOverride: null, keyAccountOverride: null });

  const moved = await sayTeams(adminOnTeams, 'sfa admin tiers add "Anyone West" tier=B region=West at=1');
  expect(moved).toContain('Added rule');
  expect((await tierOf(quiet)).tier).toBe('B');
  expect(await sayTeams(adminOnTeams, 'sfa admin tiers remove "Anyone West"')).toContain('Removed rule');
  expect((await tierOf(quiet)).tier).toBe('C');
});
