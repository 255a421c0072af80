import { AuditEntry } from '../../src/domain/audit/audit-entry.entity';
import type { Customer } from '../../src/domain/customers/customer.entity';
import { createOpportunity } from '../../src/domain/opportunities/create-opportunity';
import { Opportunity } from '../../src/domain/opportunities/opportunity.entity';
import { rateOpportunity } from '../../src/domain/opportunities/rate-opportunity';
import { StageChange } from '../../src/domain/opportunities/stage-change.entity';
import type { User } from '../../src/domain/org/user.entity';
import { userActor } from '../../src/domain/shared/actor';
import { adaptiveCardProblems } from '../support/adaptive-card-validator';
import { startChatWorld, type ChatWorld, type TeamsPerson } from '../support/chat-world';
import { makeCustomer, makeUnit, makeUser } from '../support/factories';

/**
 * Scoring and stage guidance in chat, over HTTP on both platforms: Rate → form → the card with
 * score, priority, win probability and where the points came from; /opp by priority; ticking the
 * exit checklist and moving on anyway; the admin verbs; Chinese for a Chinese reader.
 */
let w: ChatWorld;
let amy: User;
let bo: User;
let acme: Customer;
let amyOnTeams: TeamsPerson;
let boOnTeams: TeamsPerson;
let adminOnTeams: TeamsPerson;

beforeAll(async () => {
  w = await startChatWorld();
  const em = w.em();
  const east = await makeUnit(em, w.tenant, 'Sales/East');
  amy = (await makeUser(em, w.tenant, { unit: east, slackUserId: 'USCAMY', name: 'Amy Score' })).user;
  bo = (await makeUser(em, w.tenant, { unit: east, slackUserId: 'USCBO', name: '王博', locale: 'zh-CN' })).user;
  await makeUser(em, w.tenant, { role: 'admin', slackUserId: 'USCADMIN', name: 'Ada Admin' });
  const admin = (await makeUser(em, w.tenant, { role: 'admin', name: '周管理', locale: 'zh-CN' })).user;
  acme = await makeCustomer(em, w.tenant, amy, 'ACME');
  await makeCustomer(em, w.tenant, bo, '华为');
  amyOnTeams = await w.onTeams(amy, '1a2b3c4d-0000-4000-8000-00000000a001');
  boOnTeams = await w.onTeams(bo, '1a2b3c4d-0000-4000-8000-00000000b002', 'zh-CN');
  adminOnTeams = await w.onTeams(admin, '1a2b3c4d-0000-4000-8000-00000000c003', 'zh-CN');
}, 60_000);

afterAll(async () => {
  expect(w.fake.violations()).toEqual([]);
  await w.stop();
});

type RenderedButton = { action_id: string; value: string; text: { text: string } };
const textOf = (body: unknown): string => JSON.stringify(body);
function findButtons(body: unknown, action: string): RenderedButton[] {
  const blocks = (body as { blocks?: Array<{ elements?: RenderedButton[] }> }).blocks ?? [];
  return blocks.flatMap((b) => b.elements ?? []).filter((e) => typeof e.action_id === 'string' && e.action_id.startsWith(`${action}:`));
}
const deal = async (owner: User, title: string, amount: string, customer = acme) =>
  createOpportunity(w.em(), userActor(w.tenant.id, owner.id, 'rep'), { customerId: customer.id, title, amount });
const reload = (id: string) => w.em().findOneOrFail(Opportunity, { id });

/** Clicks a Slack button and returns the card it answers with through the response_url. */
async function click(user: string, button: { action_id: string; value: string }) {
  const mark = w.fake.mark();
  const res = await w.slack.blockAction(user, { action_id: button.action_id, value: button.value });
  expect(res.status).toBe(200);
  return (await w.fake.waitFor('response', undefined, 10_000, { after: mark })).body;
}
const openCard = (user: string, o: Opportunity) => click(user, { action_id: 'opp.open:0', value: o.id });

/** A Teams button (Action.Execute) answered with the next card. */
async function invoke(person: TeamsPerson, verb: string, value: string) {
  const res = await w.postTeams(w.activity(person, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { value } }, trigger: 'manual' } }));
  expect(res.status).toBe(200);
  const body = (await res.json()) as { value: Record<string, unknown> };
  expect(adaptiveCardProblems(body.value)).toEqual([]);
  return body.value;
}
async function teamsSay(person: TeamsPerson, text: string) {
  const before = w.teams.sent.length;
  const activity = w.activity(person, { type: 'message', text });
  expect((await w.postTeams(activity)).status).toBeLessThan(300);
  const reply = await w.teams.waitFor((s) => w.teams.sent.indexOf(s) >= before && s.conversationId === `a:${person.aadObjectId}` && !JSON.stringify(s.activity).includes('⏳'), 15_000);
  const card = reply.activity.attachments?.[0]?.content;
  expect(adaptiveCardProblems(card)).toEqual([]);
  return card;
}
const verbsOf = (card: unknown, verb: string): string[] => [...JSON.stringify(card).matchAll(new RegExp(`"verb":"${verb.replace('.', '\\.')}","data":\\{"value":"([^"]+)"\\}`, 'g'))].map((m) => m[1]!);

describe('Slack', () => {
  test('Rate opens the five ratings, prefilled; submitting shows score, priority, win probability and the explanation', async () => {
    const o = await deal(amy, 'Pilot rollout', '50000');
    const card = await openCard('USCAMY', o);
    expect(textOf(card)).toContain('not rated yet');
    const rate = findButtons(card, 'opp.rate')[0]!;
    expect(rate.value).toBe(o.id);

    const mark = w.fake.mark();
    await w.slack.blockAction('USCAMY', { action_id: rate.action_id, value: rate.value });
    const opened = await w.fake.waitFor('views.open', (c) => JSON.stringify(c.args).includes('opp.rate'), 10_000, { after: mark });
    const view = typeof opened.args.view === 'string' ? JSON.parse(opened.args.view) : opened.args.view;
    const selects = view.blocks.filter((b: { element?: { type: string } }) => b.element?.type === 'static_select');
    expect(selects.map((b: { block_id: string }) => b.block_id)).toEqual(['urgency', 'budget', 'competition', 'decisionMaker', 'fit']);
    expect(JSON.stringify(view)).toContain('Competition (0 = strong competition, 5 = little competition)');
    expect(JSON.stringify(selects[4].element.options)).toContain('5 · perfect fit');
    expect(selects.map((b: { element: { initial_option?: { value: string } } }) => b.element.initial_option?.value)).toEqual(['none', 'none', 'none', 'none', 'none']);

    const pick = (value: string) => ({ type: 'static_select', selected_option: { value } });
    const posted = w.fake.mark();
    const submitted = await w.slack.viewSubmission('USCAMY', {
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      state: { values: { urgency: { urgency: pick('4') }, budget: { budget: pick('3') }, competition: { competition: pick('2') }, decisionMaker: { decisionMaker: pick('5') }, fit: { fit: pick('1') } } },
    });
    expect(submitted.status).toBe(200);
    const message = await w.fake.waitFor('chat.postMessage', (c) => JSON.stringify(c.args).includes('Rated'), 10_000, { after: posted });
    const shown = JSON.stringify(message.args);
    // 4/5·25 + 3/5·25 + 2/5·15 + 5/5·20 + 1/5·15 = 64 → medium; the curve at 64: 35 + 35·14/30 → 51%.
    expect(shown).toContain('64/100 · 🟡 Medium');
    expect(shown).toContain('*Win probability*\\n51%');
    expect(shown).toContain('Urgency 4/5 → 20 · Budget 3/5 → 15 · Competition 2/5 → 6 · Decision-maker access 5/5 → 20 · Fit 1/5 → 3 = 64');
    expect(await reload(o.id)).toMatchObject({ score: 64, winProbability: 51, scoreInputs: { urgency: 4, budget: 3, competition: 2, decisionMaker: 5, fit: 1 } });

    // Opened again, the form shows the ratings as they are.
    const again = w.fake.mark();
    await w.slack.blockAction('USCAMY', { action_id: rate.action_id, value: rate.value });
    const reopened = await w.fake.waitFor('views.open', (c) => JSON.stringify(c.args).includes('opp.rate'), 10_000, { after: again });
    const view2 = typeof reopened.args.view === 'string' ? JSON.parse(reopened.args.view) : reopened.args.view;
    expect(view2.blocks.filter((b: { element?: { type: string } }) => b.element?.type === 'static_select').map((b: { element: { initial_option?: { value: string } } }) => b.element.initial_option?.value)).toEqual(['4', '3', '2', '5', '1']);
  });

  test('a rep cannot rate a colleague\'s deal: no form, nothing changes', async () => {
    const o = await deal(amy, 'Not yours', '100');
    const mark = w.fake.mark();
    const answer = await click('USCBO', { action_id: 'opp.rate:0', value: o.id });
    expect(textOf(answer)).toContain('这条记录属于其他团队');
    expect(w.fake.calls.filter((c) => c.seq > mark && c.method === 'views.open')).toHaveLength(0);
    expect((await reload(o.id)).scoreInputs).toEqual({});
  });

  test('/opp lists by priority with the priority on each line', async () => {
    const high = await deal(amy, 'Zeta high', '10');
    await rateOpportunity(w.em(), userActor(w.tenant.id, amy.id, 'rep'), high.id, { urgency: 5, budget: 5, decisionMaker: 4 }); // (5·25 + 5·25 + 4·20)·20 / 70 = 94.3 → 94
    const low = await deal(amy, 'Alpha low', '999999');
    await rateOpportunity(w.em(), userActor(w.tenant.id, amy.id, 'rep'), low.id, { fit: 1 }); // 20
    const res = await w.slack.command('USCAMY', '/opp', '');
    const text = textOf(res.body);
    const at = (s: string) => text.indexOf(s);
    expect(at('🔴 High 94 · *Zeta high*')).toBeGreaterThan(-1);
    expect(at('🟡 Medium 64 · *Pilot rollout*')).toBeGreaterThan(at('Zeta high'));
    expect(at('⚪ Low 20 · *Alpha low*')).toBeGreaterThan(at('Pilot rollout'));
    // Unscored last, however large.
    expect(at('Not rated · *Not yours*')).toBeGreaterThan(at('Alpha low'));
  });

  test('tick an item, move on: asked first, "Move anyway" records what was skipped; a stale tick changes nothing', async () => {
    const o = await deal(amy, 'Tick deal', '2000');
    const card = await openCard('USCAMY', o);
    const ticks = findButtons(card, 'opp.tick');
    expect(ticks.map((b) => b.value)).toEqual([0, 1, 2].map((i) => `${o.id}|initial_contact|${i}`));
    const ticked = await click('USCAMY', ticks[0]!);
    expect(textOf(ticked)).toContain('☑ Need confirmed with the customer');
    expect(textOf(ticked)).toContain('☐ Budget range known');
    expect(textOf(ticked)).toContain('(1/3 done)');
    expect(findButtons(ticked, 'opp.tick')[0]!.text.text).toBe('↺ Undo');

    const asked = await click('USCAMY', findButtons(ticked, 'opp.stage')[0]!);
    expect(textOf(asked)).toContain('Not done yet for *Initial contact*');
    expect(textOf(asked)).toContain('☐ Budget range known');
    expect(textOf(asked)).toContain('☐ Decision maker identified');
    expect(textOf(asked)).not.toContain('☐ Need confirmed');
    expect((await reload(o.id)).stage).toBe('initial_contact');
    expect(findButtons(asked, 'opp.back')[0]!.value).toBe(o.id);
    const anyway = findButtons(asked, 'opp.stage_anyway')[0]!;
    expect(anyway.value).toBe(`${o.id}|initial_contact|solution`);

    const moved = await click('USCAMY', anyway);
    expect(textOf(moved)).toContain('moved to *Solution*');
    expect(textOf(moved)).toContain('To leave Solution (0/3 done)');
    expect((await reload(o.id)).stage).toBe('solution');
    const change = await w.em().findOneOrFail(StageChange, { opportunityId: o.id, toStage: 'solution' });
    expect(change.skippedItems).toEqual([{ index: 1, key: 'opp.exitItems.initial_contact.2' }, { index: 2, key: 'opp.exitItems.initial_contact.3' }]);
    expect((await w.em().findOneOrFail(AuditEntry, { entityId: o.id, action: 'opportunity.stage.solution' })).after).toMatchObject({ skippedItems: change.skippedItems });

    // The old card's tick and "Move anyway" are stale now.
    expect(textOf(await click('USCAMY', ticks[1]!))).toMatch(/out of date/);
    expect(textOf(await click('USCAMY', anyway))).toMatch(/out of date/);
    expect((await reload(o.id)).checklistTicks).toEqual({ initial_contact: { list: 'default', done: [0] } });
    expect(await w.em().count(StageChange, { opportunityId: o.id })).toBe(2);
  });

  test('a stage button on the stuck-deals digest answers with new messages; Back replaces the question with the deal card', async () => {
    const o = await deal(amy, 'Digest deal', '3000');
    // The digest's button (nudge-card.ts): the question comes as a new message, the digest stays.
    const asked = await click('USCAMY', { action_id: 'nudge.advance:0', value: `${o.id}|initial_contact|solution` });
    expect(asked).toMatchObject({ replace_original: false });
    expect(textOf(asked)).toContain('Not done yet for *Initial contact*');
    expect(findButtons(asked, 'opp.open')).toEqual([]);
    const back = findButtons(asked, 'opp.back')[0]!;
    expect(back.value).toBe(o.id);

    // Back: the current deal card takes the question's place, so no live "Move anyway" is left.
    const card = await click('USCAMY', back);
    expect(card).toMatchObject({ replace_original: true });
    expect(findButtons(card, 'opp.stage_anyway')).toEqual([]);
    expect(findButtons(card, 'opp.stage')[0]!.value).toBe(`${o.id}|initial_contact|solution`);
    expect((await reload(o.id)).stage).toBe('initial_contact');

    // Moving anyway from the question replaces the question (a single-deal message), not the digest.
    const moved = await click('USCAMY', findButtons(asked, 'opp.stage_anyway')[0]!);
    expect(moved).toMatchObject({ replace_original: true });
    expect((await reload(o.id)).stage).toBe('solution');

    // A deal with its checklist done moves straight on; the moved card is a new message too.
    const ticked = await deal(amy, 'Digest deal 2', '3000');
    for (const index of [0, 1, 2]) await click('USCAMY', { action_id: 'opp.tick:0', value: `${ticked.id}|initial_contact|${index}` });
    const straight = await click('USCAMY', { action_id: 'nudge.advance:0', value: `${ticked.id}|initial_contact|solution` });
    expect(straight).toMatchObject({ replace_original: false });
    expect(textOf(straight)).toContain('moved to *Solution*');
    // A stale digest button: the current card, as a new message.
    const stale = await click('USCAMY', { action_id: 'nudge.advance:0', value: `${ticked.id}|initial_contact|solution` });
    expect(stale).toMatchObject({ replace_original: false });
    expect(textOf(stale)).toMatch(/out of date/);
    expect((await reload(ticked.id)).stage).toBe('solution');
  });

  test('admins set weights, curve, bands and checklists in chat; open deals are re-scored; reps may not', async () => {
    const openDeals = await w.em().count(Opportunity, { tenantId: w.tenant.id, stage: { $in: ['initial_contact', 'solution', 'quote', 'negotiation'] } });
    const refused = await w.slack.command('USCAMY', '/sfa', 'admin scoring weights urgency=40 budget=10 competition=10 decision=30 fit=10');
    expect(textOf(refused.body)).toMatch(/admin/i);
    const bad = await w.slack.command('USCADMIN', '/sfa', 'admin scoring weights urgency=40 budget=10 competition=10 decision=30 fit=5');
    expect(textOf(bad.body)).toContain('add up to 100: Urgency 40 + Budget 10 + Competition 10 + Decision-maker access 30 + Fit 5 = 95.');
    expect(textOf(bad.body)).not.toContain('did not name');
    // Some factors only: merged with the current (default 25/25/15/20/15) weights, and the answer shows the whole set.
    const partial = await w.slack.command('USCADMIN', '/sfa', 'admin scoring weights urgency=100');
    expect(textOf(partial.body)).toContain('Urgency 100 + Budget 25 + Competition 15 + Decision-maker access 20 + Fit 15 = 175. Factors you did not name keep their current weights.');
    const twice = await w.slack.command('USCADMIN', '/sfa', 'admin scoring weights urgency=30 紧迫度=40');
    expect(textOf(twice.body)).toContain('“紧迫度” is given twice');
    // The defaults typed out: nothing changes, nothing is re-scored, and the answer says so.
    const auditsBefore = await w.em().count(AuditEntry, { action: 'tenant.scoring' });
    const same = await w.slack.command('USCADMIN', '/sfa', 'admin scoring weights urgency=25 budget=25 competition=15 decision=20 fit=15');
    expect(textOf(same.body)).toContain('Nothing changed');
    expect(textOf(same.body)).not.toContain('re-scored:');
    expect(await w.em().count(AuditEntry, { action: 'tenant.scoring' })).toBe(auditsBefore);
    expect(textOf((await w.slack.command('USCADMIN', '/sfa', 'admin scoring reset')).body)).toContain('Nothing changed');

    const set = await w.slack.command('USCADMIN', '/sfa', 'admin scoring weights 紧迫度=40 budget=10 competition=10 决策人=30 fit=10');
    expect(textOf(set.body)).toContain(`Open deals re-scored: ${openDeals}.`);
    expect(textOf(set.body)).toContain('Urgency 40%');
    const pilot = await w.em().findOneOrFail(Opportunity, { title: 'Pilot rollout' });
    // (4·40 + 3·10 + 2·10 + 5·30 + 1·10) / 5 = 74; on the default curve 35 + 35·(74 − 50)/30 = 63.
    expect(pilot).toMatchObject({ score: 74, winProbability: 63 });
    const curve = await w.slack.command('USCADMIN', '/sfa', 'admin scoring curve 0:0 100:100');
    expect(textOf(curve.body)).toContain('0 → 0% · 100 → 100%');
    expect((await reload(pilot.id)).winProbability).toBe(74);
    const bands = await w.slack.command('USCADMIN', '/sfa', 'admin scoring bands 80 50');
    expect(textOf(bands.body)).toContain('high ≥ 80 · medium ≥ 50');
    expect(textOf(await openCard('USCAMY', pilot))).toContain('74/100 · 🟡 Medium');

    const checklist = await w.slack.command('USCADMIN', '/sfa', 'admin checklist solution Demo done; Scope agreed');
    expect(textOf(checklist.body)).toContain('The checklist for *Solution* now has 2 items');
    // The footer: how to change a list and how to reset it, without stray list bullets.
    expect(textOf(checklist.body)).toContain('· `/sfa admin checklist solution reset`');
    expect(textOf(checklist.body)).not.toContain('•');
    const tickDeal = await w.em().findOneOrFail(Opportunity, { title: 'Tick deal' });
    const card = await openCard('USCAMY', tickDeal);
    expect(textOf(card)).toContain('☐ Demo done');
    expect(findButtons(card, 'opp.tick')).toHaveLength(2);
    expect(textOf(await w.slack.command('USCAMY', '/sfa', 'admin checklist solution x'))).toMatch(/admin/i);
    expect(textOf(await w.slack.command('USCADMIN', '/sfa', 'admin checklist solution reset'))).toContain('back to the default items');

    const reset = await w.slack.command('USCADMIN', '/sfa', 'admin scoring reset');
    expect(textOf(reset.body)).toContain(`Open deals re-scored: ${openDeals}.`);
    expect(await reload(pilot.id)).toMatchObject({ score: 64, winProbability: 51 });
    const shown = await w.slack.command('USCADMIN', '/sfa', 'admin 评分');
    expect(textOf(shown.body)).toContain('Urgency 25% · Budget 25% · Competition 15% · Decision-maker access 20% · Fit 15% (default)');
  });

  test('a Chinese reader sees the card, the form and the checklist in Chinese', async () => {
    const o = await deal(bo, '华为试点', '30000', await w.em().findOneOrFail('Customer', { name: '华为' }) as Customer);
    const card = await openCard('USCBO', o);
    const text = textOf(card);
    expect(text).toContain('尚未评分：点“评分”');
    expect(text).toContain('离开「初步接触」前（已完成 0/3）');
    expect(text).toContain('☐ 已与客户确认需求');
    expect(findButtons(card, 'opp.tick')[0]!.text.text).toBe('✓ 完成');
    const mark = w.fake.mark();
    await w.slack.blockAction('USCBO', { action_id: 'opp.rate:0', value: o.id });
    const opened = await w.fake.waitFor('views.open', (c) => JSON.stringify(c.args).includes('opp.rate'), 10_000, { after: mark });
    expect(JSON.stringify(opened.args)).toContain('紧迫度（0 = 不急，5 = 必须马上买）');
    expect(JSON.stringify(opened.args)).toContain('未评分');
  });
});

describe('Teams', () => {
  test('Rate → dialog → submit: the card with score, priority, win probability and explanation', async () => {
    const o = await deal(amy, 'Teams deal', '8000');
    const card = await invoke(amyOnTeams, 'opp.open', o.id);
    expect(verbsOf(card, 'opp.rate')).toEqual([o.id]);
    const launcher = await invoke(amyOnTeams, 'opp.rate', o.id);
    const open = (launcher.actions as Array<{ data: Record<string, unknown> }>)[0]!.data;
    const fetched = await w.postTeams(w.activity(amyOnTeams, { type: 'invoke', name: 'task/fetch', value: { data: open } }));
    const dialog = ((await fetched.json()) as { task: { value: { card: { content: { body: unknown[]; actions: Array<{ data: Record<string, unknown> }> } } } } }).task.value.card.content;
    expect(adaptiveCardProblems(dialog)).toEqual([]);
    expect(JSON.stringify(dialog.body)).toContain('Budget (0 = no budget, 5 = budget approved)');
    const before = w.teams.sent.length;
    const submit = dialog.actions[0]!.data;
    const res = await w.postTeams(w.activity(amyOnTeams, { type: 'invoke', name: 'task/submit', value: { data: { ...submit, urgency: '5', budget: '4', competition: 'none', decisionMaker: '3', fit: '2' } } }));
    expect(res.status).toBe(200);
    const posted = await w.teams.waitFor((s) => w.teams.sent.indexOf(s) >= before && JSON.stringify(s.activity).includes('Teams deal'), 15_000);
    const shown = JSON.stringify(posted.activity);
    expect(adaptiveCardProblems(posted.activity.attachments[0].content)).toEqual([]);
    // Competition unrated: (5·25 + 4·25 + 3·20 + 2·15)·20 / 85 = 74.12 → 74; points 29.41, 23.53, 14.12, 7.06 → 29 + 24 + 14 + 7 (the largest remainder gets the point).
    expect(shown).toContain('74/100 · 🔴 High');
    expect(shown).toContain('Urgency 5/5 → 29 · Budget 4/5 → 24 · Decision-maker access 3/5 → 14 · Fit 2/5 → 7 = 74');
    expect(shown).toMatch(/"title":"Win probability","value":"63%"/);
    expect(await reload(o.id)).toMatchObject({ score: 74, winProbability: 63 });
  });

  test('tick and move anyway on Teams; opp lists by priority', async () => {
    const o = await deal(amy, 'Teams tick', '700');
    const card = await invoke(amyOnTeams, 'opp.open', o.id);
    expect(verbsOf(card, 'opp.tick')).toEqual([0, 1, 2].map((i) => `${o.id}|initial_contact|${i}`));
    const ticked = await invoke(amyOnTeams, 'opp.tick', `${o.id}|initial_contact|2`);
    expect(JSON.stringify(ticked)).toContain('☑ Decision maker identified');
    const asked = await invoke(amyOnTeams, 'opp.win', `${o.id}|initial_contact`);
    expect(JSON.stringify(asked)).toContain('☐ Need confirmed with the customer');
    expect(verbsOf(asked, 'opp.stage_anyway')).toEqual([`${o.id}|initial_contact|won`]);
    expect((await reload(o.id)).stage).toBe('initial_contact');
    const won = await invoke(amyOnTeams, 'opp.stage_anyway', `${o.id}|initial_contact|won`);
    expect(JSON.stringify(won)).toContain('is won');
    expect((await w.em().findOneOrFail(StageChange, { opportunityId: o.id, toStage: 'won' })).skippedItems).toEqual([{ index: 0, key: 'opp.exitItems.initial_contact.1' }, { index: 1, key: 'opp.exitItems.initial_contact.2' }]);

    const list = JSON.stringify(await teamsSay(amyOnTeams, 'opp'));
    expect(list.indexOf('🔴 High 94 · **Zeta high**')).toBeGreaterThan(-1);
    expect(list.indexOf('🔴 High 74 · **Teams deal**')).toBeGreaterThan(list.indexOf('Zeta high'));
    expect(list.indexOf('Pilot rollout')).toBeGreaterThan(list.indexOf('Teams deal'));
  });

  test('a Chinese reader on Teams: the list and the card in Chinese', async () => {
    const list = JSON.stringify(await teamsSay(boOnTeams, 'opp'));
    expect(list).toContain('我的进行中商机');
    expect(list).toContain('未评分 · **华为试点**');
    const o = await w.em().findOneOrFail(Opportunity, { title: '华为试点' });
    await rateOpportunity(w.em(), userActor(w.tenant.id, bo.id, 'rep'), o.id, { urgency: 5, budget: 5 });
    const card = JSON.stringify(await invoke(boOnTeams, 'opp.open', o.id));
    expect(card).toContain('100/100 · 🔴 高');
    expect(card).toContain('紧迫度 5/5 → 50 · 预算 5/5 → 50 = 100');
    expect(card).toContain('赢单概率');
    expect(card).toContain('☐ 已与客户确认需求');
    expect(card).toContain('"title":"✓ 完成"');
  });

  test('an admin on Teams sets the bands and reads the checklists, in Chinese', async () => {
    const openDeals = await w.em().count(Opportunity, { tenantId: w.tenant.id, stage: { $in: ['initial_contact', 'solution', 'quote', 'negotiation'] } });
    const bands = JSON.stringify(await teamsSay(adminOnTeams, 'sfa admin 评分 优先级 75 45'));
    expect(bands).toContain(`已重新评分的进行中商机：${openDeals} 个`);
    expect(bands).toContain('高 ≥ 75 · 中 ≥ 45');
    const lists = JSON.stringify(await teamsSay(adminOnTeams, 'sfa admin 清单'));
    expect(lists).toContain('阶段清单');
    expect(lists).toContain('1. 已与客户确认需求');
    expect(JSON.stringify(await teamsSay(adminOnTeams, 'sfa admin 清单 赢单 庆祝'))).toContain('“赢单”不是进行中的阶段');
    await teamsSay(adminOnTeams, 'sfa admin scoring reset');
  });
});
