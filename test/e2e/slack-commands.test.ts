import { DateTime } from 'luxon';
import { translator } from '../../src/cards/i18n/i18n';
import { Interaction } from '../../src/domain/activities/interaction.entity';
import { Customer } from '../../src/domain/customers/customer.entity';
import { Delivery } from '../../src/domain/deliveries/delivery.entity';
import { Opportunity } from '../../src/domain/opportunities/opportunity.entity';
import { User } from '../../src/domain/org/user.entity';
import { eventually } from '../support/eventually';
import { makeCustomer, makeUnit, makeUser } from '../support/factories';
import { startSlackWorld, type SlackWorld } from '../support/slack-world';

let w: SlackWorld;
let ids: { repEast: string; repEast2: string; repWest: string; manager: string; admin: string };

beforeAll(async () => {
  w = await startSlackWorld({ SLACK_ADMIN_USER_IDS: 'UBOOTADMIN' });
  const em = w.em();
  const east = await makeUnit(em, w.tenant, 'Sales/East');
  const west = await makeUnit(em, w.tenant, 'Sales/West');
  const repEast = await makeUser(em, w.tenant, { unit: east, slackUserId: 'UREPEAST', name: 'Amy East' });
  const repEast2 = await makeUser(em, w.tenant, { unit: east, slackUserId: 'UREPEAST2', name: 'Bob East' });
  const repWest = await makeUser(em, w.tenant, { unit: west, slackUserId: 'UREPWEST', name: 'Wu West' });
  const manager = await makeUser(em, w.tenant, { role: 'manager', unit: east, manages: true, slackUserId: 'UMGREAST', name: 'Li Manager' });
  const admin = await makeUser(em, w.tenant, { role: 'admin', slackUserId: 'UADMIN', name: 'Ada Admin' });
  await makeCustomer(em, w.tenant, repEast.user, 'ACME');
  await makeCustomer(em, w.tenant, repEast.user, '上海华为技术有限公司');
  await makeCustomer(em, w.tenant, repWest.user, 'Westwind Ltd');
  await makeCustomer(em, w.tenant, null, 'Pool Pharma');
  await makeCustomer(em, w.tenant, repEast.user, 'Globex East');
  await makeCustomer(em, w.tenant, repEast.user, 'Globex Asia');
  ids = { repEast: 'UREPEAST', repEast2: 'UREPEAST2', repWest: 'UREPWEST', manager: 'UMGREAST', admin: 'UADMIN' };
}, 60_000);

afterAll(async () => {
  expect(w.fake.violations()).toEqual([]);
  await w.stop();
});

const textOf = (body: unknown): string => JSON.stringify(body);
const count = (entity: typeof Interaction) => w.em().count(entity, {});

test("a rep's /visit is acknowledged in time and shows on /customer for them and their manager only", async () => {
  const res = await w.slack.command(ids.repEast, '/visit', 'ACME met the CFO, wants a quote');
  expect(res.status).toBe(200);
  expect(res.ms).toBeLessThan(3000);
  // Writes are acknowledged at once and answered from the queue through the response_url.
  expect(res.ack).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('⏳') });
  expect(textOf(res.body)).toContain('ACME');
  // …in place of the "On it" (Slack replaces the ack's ephemeral message with it).
  expect(res.body).toMatchObject({ response_type: 'ephemeral', replace_original: true });

  const forRep = await w.slack.command(ids.repEast, '/customer', 'ACME');
  expect(textOf(forRep.body)).toContain('met the CFO, wants a quote');
  const forManager = await w.slack.command(ids.manager, '/customer', 'acme');
  expect(textOf(forManager.body)).toContain('met the CFO, wants a quote');
  const forOtherUnit = await w.slack.command(ids.repWest, '/customer', 'ACME');
  expect(textOf(forOtherUnit.body)).not.toContain('met the CFO');
  expect(textOf(forOtherUnit.body)).toContain('No customer matches');
});

test('replayed (6 minutes old), future-dated and tampered requests get 401 and change nothing', async () => {
  const before = await count(Interaction);
  const replayed = await w.slack.command(ids.repEast, '/visit', 'ACME replay attempt', { timestampOffsetSec: -360 });
  const future = await w.slack.command(ids.repEast, '/visit', 'ACME future attempt', { timestampOffsetSec: 360 });
  const tampered = await w.slack.command(ids.repEast, '/visit', 'ACME tampered attempt', { tamper: true });
  expect([replayed.status, future.status, tampered.status]).toEqual([401, 401, 401]);
  expect(await count(Interaction)).toBe(before);
});

test('an unknown member of the workspace becomes a rep in their Slack language and time zone', async () => {
  w.fake.setUser('UNEWZH', { name: 'zhang', real_name: '张伟', tz: 'Asia/Shanghai', locale: 'zh-CN' });
  const res = await w.slack.command('UNEWZH', '/visit', 'help');
  expect(textOf(res.body)).toContain('记录');
  const user = await w.em().findOneOrFail(User, { slackUserId: 'UNEWZH' });
  expect(user).toMatchObject({ role: 'rep', locale: 'zh-CN', timezone: 'Asia/Shanghai', name: '张伟' });
});

test('plan a visit in natural language (English and Chinese), list it, cancel it once even when clicked twice', async () => {
  const res = await w.slack.command(ids.repEast, '/visit', 'plan ACME tomorrow 10am pricing review');
  expect(textOf(res.body)).toMatch(/Planned: \*ACME\*/);
  const visit = await w.em().findOneOrFail(Interaction, { status: 'planned', purpose: { $like: '%pricing review%' } });
  const local = DateTime.fromJSDate(visit.scheduledAt!, { zone: 'UTC' });
  expect(local.hour).toBe(10);
  expect(local.toISODate()).toBe(DateTime.utc().plus({ days: 1 }).toISODate());

  const zh = await w.slack.command(ids.repEast, '/visit', '计划 上海华为 明天下午3点 讨论报价');
  expect(textOf(zh.body)).toContain('上海华为技术有限公司');
  const zhVisit = await w.em().findOneOrFail(Interaction, { status: 'planned', purpose: { $like: '%讨论报价%' } });
  expect(DateTime.fromJSDate(zhVisit.scheduledAt!, { zone: 'UTC' }).hour).toBe(15);

  const list = await w.slack.command(ids.repEast, '/visit', 'list');
  expect(textOf(list.body)).toContain('ACME');
  expect(textOf(list.body)).toContain('visit.cancel');

  const click = () => w.slack.blockAction(ids.repEast, { action_id: 'visit.cancel:0', value: visit.id });
  const clicked = w.fake.mark();
  const [a, b] = await Promise.all([click(), click()]);
  expect([a.status, b.status]).toEqual([200, 200]);
  await w.fake.waitFor('response', (r) => r.seq > clicked, 5000).catch(() => undefined);
  const after = await w.em().findOneOrFail(Interaction, { id: visit.id });
  expect(after.status).toBe('cancelled');
  const audits = await w.em().getConnection().execute(`select count(*)::int as n from audit_log where entity_id = ? and action = 'interaction.cancel'`, [visit.id]);
  expect(audits[0].n).toBe(1);
});

test('bad input gets a short helpful reply, never an error status, and writes nothing', async () => {
  const before = await count(Interaction);
  const noTime = await w.slack.command(ids.repEast, '/visit', 'plan ACME sometime soonish');
  expect(noTime.status).toBe(200);
  expect(textOf(noTime.body)).toContain('ACME');
  expect(textOf(noTime.body)).toMatch(/tomorrow|明天/);
  const noNotes = await w.slack.command(ids.repEast, '/visit', 'ACME');
  expect(textOf(noNotes.body)).toContain('What happened');
  const badAmount = await w.slack.command(ids.repEast, '/opp', 'new ACME lots Big deal');
  expect(badAmount.status).toBe(200);
  expect(textOf(badAmount.body)).not.toMatch(/\bat \w+ \(|Error:/);
  const huge = await w.slack.command(ids.repEast, '/visit', `ACME ${'很长的备注'.repeat(1000)}`);
  expect(huge.status).toBe(200);
  expect(textOf(huge.body)).toContain('4000');
  expect(await count(Interaction)).toBe(before);
});

test('unknown customer: suggestions and a create button that finishes the job in one click', async () => {
  const res = await w.slack.command(ids.repEast, '/visit', 'Initech met the owner');
  expect(textOf(res.body)).toContain('No customer matches');
  const create = findButton(res.body, 'customer.create');
  expect(create).toBeDefined();
  await w.slack.blockAction(ids.repEast, { action_id: create!.action_id, value: create!.value });
  const customer = await eventually(() => w.em().findOneOrFail(Customer, { name: 'Initech' }));
  const me = await w.em().findOneOrFail(User, { slackUserId: ids.repEast });
  expect(customer.ownerId).toBe(me.id);
  await eventually(async () => expect(await w.em().count(Interaction, { customerId: customer.id, notes: 'met the owner' })).toBe(1));
});

test('ambiguous customer: buttons to pick, and the pick logs the visit', async () => {
  const res = await w.slack.command(ids.repEast, '/visit', 'Globex discussed renewal');
  expect(textOf(res.body)).toContain('Several customers match');
  const pick = findButtons(res.body, 'customer.pick').find((b) => b.text.text.includes('Globex Asia'));
  await w.slack.blockAction(ids.repEast, { action_id: pick!.action_id, value: pick!.value });
  const asia = await w.em().findOneOrFail(Customer, { name: 'Globex Asia' });
  await eventually(async () => expect(await w.em().count(Interaction, { customerId: asia.id, notes: 'discussed renewal' })).toBe(1));
});

test('opportunity: create with a Chinese amount, advance by button, a stale second click changes nothing, lose with a reason', async () => {
  const res = await w.slack.command(ids.repEast, '/opp', 'new ACME 5万 Pilot project');
  expect(textOf(res.body)).toContain('Pilot project');
  const opp = await w.em().findOneOrFail(Opportunity, { title: 'Pilot project' });
  expect(opp.amount).toBe('50000.00');
  const advance = findButton(res.body, 'opp.stage')!;
  const first = w.fake.mark();
  await w.slack.blockAction(ids.repEast, { action_id: advance.action_id, value: advance.value });
  // Nothing on the exit checklist is ticked: the click asks first, and "Move anyway" moves.
  const asked = await w.fake.waitFor('response', undefined, 5000, { after: first });
  expect(JSON.stringify(asked.body)).toContain('Not done yet for *Initial contact*');
  expect((await w.em().findOneOrFail(Opportunity, { id: opp.id })).stage).toBe('initial_contact');
  const anyway = findButton(asked.body, 'opp.stage_anyway')!;
  const confirmed = w.fake.mark();
  await w.slack.blockAction(ids.repEast, { action_id: anyway.action_id, value: anyway.value });
  await w.fake.waitFor('response', undefined, 5000, { after: confirmed });
  const second = w.fake.mark();
  await w.slack.blockAction(ids.repEast, { action_id: advance.action_id, value: advance.value });
  const staleReply = await w.fake.waitFor('response', undefined, 5000, { after: second });
  expect(JSON.stringify(staleReply.body)).toMatch(/out of date/);
  const moved = await w.em().findOneOrFail(Opportunity, { id: opp.id });
  expect(moved.stage).toBe('solution');
  const history = await w.em().getConnection().execute(`select count(*)::int as n from opportunity_stage_changes where opportunity_id = ?`, [opp.id]);
  expect(history[0].n).toBe(2);

  const stale = await w.slack.command(ids.repEast, '/opp', '');
  expect(textOf(stale.body)).toContain('Pilot project');
  // A rep asking for the team is told what they see instead of a team heading over their own deals.
  const team = await w.slack.command(ids.repEast, '/opp', 'team');
  expect(textOf(team.body)).toContain('The team view is for managers');
  expect(textOf(team.body)).not.toContain("team's open opportunities");

  const lose = findButton(res.body, 'opp.lose')!;
  await w.slack.blockAction(ids.repEast, { action_id: lose.action_id, value: `${opp.id}|solution` });
  const opened = await w.fake.waitFor('views.open', (c) => JSON.stringify(c.args).includes('opp.lost_reason'), 5000);
  const view = typeof opened.args.view === 'string' ? JSON.parse(opened.args.view) : opened.args.view;
  const submitted = await w.slack.viewSubmission(ids.repEast, {
    callback_id: view.callback_id,
    private_metadata: view.private_metadata,
    state: { values: { reason: { reason: { type: 'plain_text_input', value: 'Budget cut' } } } },
  });
  expect(submitted.status).toBe(200);
  await eventually(async () => expect(await w.em().findOneOrFail(Opportunity, { id: opp.id })).toMatchObject({ stage: 'lost', lostReason: 'Budget cut' }));
});

test('the bare /visit opens a modal whose submission logs the visit; typeahead offers only visible customers', async () => {
  const res = await w.slack.command(ids.repEast, '/visit', '');
  expect(res.status).toBe(200);
  const opened = await w.fake.waitFor('views.open', (c) => JSON.stringify(c.args).includes('visit.log'), 5000);
  const view = typeof opened.args.view === 'string' ? JSON.parse(opened.args.view) : opened.args.view;

  const options = await w.slack.blockSuggestion(ids.repEast, { action_id: 'customer', block_id: 'customer', value: 'west' });
  expect(textOf(options.body)).not.toContain('Westwind');
  const mine = await w.slack.blockSuggestion(ids.repEast, { action_id: 'customer', block_id: 'customer', value: '华为' });
  const option = (mine.body as { options: Array<{ value: string }> }).options[0]!;

  const submitted = await w.slack.viewSubmission(ids.repEast, {
    callback_id: view.callback_id,
    private_metadata: view.private_metadata,
    state: {
      values: {
        customer: { customer: { type: 'external_select', selected_option: option } },
        type: { type: { type: 'static_select', selected_option: { value: 'call' } } },
        notes: { notes: { type: 'plain_text_input', value: '电话沟通了交付时间' } },
        outcome: { outcome: { type: 'static_select', selected_option: null } },
        nextStep: { nextStep: { type: 'plain_text_input', value: null } },
        followUpDate: { followUpDate: { type: 'datepicker', selected_date: null } },
      },
    },
  });
  expect(submitted.status).toBe(200);
  expect(await w.em().count(Interaction, { notes: '电话沟通了交付时间', type: 'call' })).toBe(1);
});

test('public pool: list and claim; a second claimer is told it is taken', async () => {
  const res = await w.slack.command(ids.repEast2, '/customer', 'pool');
  expect(textOf(res.body)).toContain('Pool Pharma');
  const claim = findButton(res.body, 'customer.claim')!;
  const before = w.fake.mark();
  await w.slack.blockAction(ids.repEast2, { action_id: claim.action_id, value: claim.value });
  const claimed = await w.fake.waitFor('response', undefined, 5000, { after: before });
  expect(JSON.stringify(claimed.body)).toContain('*Pool Pharma* is now yours.');
  // A name ending in "." does not end the answer in "..", in either language.
  for (const locale of ['en', 'zh-CN']) expect(translator(locale)('customer.claimed', { name: 'Blue River Trading Inc.' })).not.toMatch(/\.\*?[.。]/);
  const late = w.fake.mark();
  await w.slack.blockAction(ids.repWest, { action_id: claim.action_id, value: claim.value });
  const refused = await w.fake.waitFor('response', undefined, 5000, { after: late });
  expect(JSON.stringify(refused.body)).toContain('claimed this customer first');
  const customer = await w.em().findOneOrFail(Customer, { name: 'Pool Pharma' });
  const claimer = await w.em().findOneOrFail(User, { slackUserId: ids.repEast2 });
  expect(customer.ownerId).toBe(claimer.id);
});

test('admin commands: refused for a rep, done for an admin', async () => {
  const refused = await w.slack.command(ids.repEast, '/sfa', 'admin role <@UREPEAST2|bob> manager');
  expect(textOf(refused.body)).toContain('Only an admin can do that');
  expect((await w.em().findOneOrFail(User, { slackUserId: ids.repEast2 })).role).toBe('rep');
  const done = await w.slack.command(ids.admin, '/sfa', 'admin role <@UREPEAST2|bob> manager');
  expect(textOf(done.body)).toContain('is now a manager');
  expect((await w.em().findOneOrFail(User, { slackUserId: ids.repEast2 })).role).toBe('manager');
});

test('/sfa admin users lists people with their role and email, not a mention shown as code', async () => {
  const listed = textOf((await w.slack.command(ids.admin, '/sfa', 'admin users')).body);
  const rep = await w.em().findOneOrFail(User, { slackUserId: ids.repWest });
  expect(listed).toContain(rep.name);
  expect(listed).toContain(`${rep.name} · Rep`);
  if (rep.email) expect(listed).toContain(rep.email);
  expect(listed).not.toContain('&lt;@');
});

test('/sfa admin failures lists dead-lettered messages to admins only', async () => {
  const em = w.em();
  const rep = await em.findOneOrFail(User, { slackUserId: ids.repWest });
  em.create(Delivery, { tenantId: w.tenant.id, idempotencyKey: 'test:dead:1', kind: 'visit_reminder', userId: rep.id, channel: 'DWEST', status: 'dead', attempts: 3, error: 'account_inactive' } as Delivery);
  await em.flush();
  const forAdmin = await w.slack.command(ids.admin, '/sfa', 'admin failures');
  expect(textOf(forAdmin.body)).toContain('account_inactive');
  expect(textOf(forAdmin.body)).toContain('Wu West');
  const forRep = await w.slack.command(ids.repWest, '/sfa', 'admin failures');
  expect(textOf(forRep.body)).not.toContain('account_inactive');
});

test('SLACK_ADMIN_USER_IDS bootstraps an admin on first contact', async () => {
  w.fake.setUser('UBOOTADMIN', { name: 'boot', real_name: 'Boot Admin', tz: 'UTC', locale: 'en-US' });
  const res = await w.slack.command('UBOOTADMIN', '/sfa', 'admin units');
  expect(textOf(res.body)).toContain('Org units');
  expect((await w.em().findOneOrFail(User, { slackUserId: 'UBOOTADMIN' })).role).toBe('admin');
});

test('long lists paginate: /visit list pages through twelve planned visits', async () => {
  w.fake.setUser('UBUSY', { name: 'busy', real_name: 'Busy Rep', tz: 'UTC', locale: 'en-US' });
  await w.slack.command('UBUSY', '/visit', 'help');
  const busy = await w.em().findOneOrFail(User, { slackUserId: 'UBUSY' });
  await makeCustomer(w.em(), w.tenant, busy, 'Busy Account');
  for (let day = 1; day <= 12; day++) await w.slack.command('UBUSY', '/visit', `plan "Busy Account" in ${day} days check-in ${day}`);
  const first = await w.slack.command('UBUSY', '/visit', 'list');
  expect(textOf(first.body)).toContain('check-in 10');
  expect(textOf(first.body)).not.toContain('check-in 11');
  const next = findButton(first.body, 'visit.list_page')!;
  const mark = w.fake.mark();
  await w.slack.blockAction('UBUSY', { action_id: next.action_id, value: next.value });
  const page2 = await w.fake.waitFor('response', undefined, 5000, { after: mark });
  expect(JSON.stringify(page2.body)).toContain('check-in 12');
  expect(JSON.stringify(page2.body)).toContain('"replace_original":true');
});

test('App Home shows the day when opened', async () => {
  await w.slack.event({ type: 'event_callback', team_id: 'T0TEST', event: { type: 'app_home_opened', user: ids.repEast, tab: 'home' } });
  const published = await w.fake.waitFor('views.publish', (c) => c.args.user_id === ids.repEast, 5000);
  expect(JSON.stringify(published.args)).toContain('Today');
});

type RenderedButton = { action_id: string; value: string; text: { text: string } };
function findButtons(body: unknown, action: string): RenderedButton[] {
  const blocks = (body as { blocks?: Array<{ elements?: RenderedButton[] }> }).blocks ?? [];
  return blocks.flatMap((b) => b.elements ?? []).filter((e) => typeof e.action_id === 'string' && e.action_id.startsWith(action));
}
const findButton = (body: unknown, action: string) => findButtons(body, action)[0];

test('/visit remind changes the reminder lead; out-of-range values are refused with the limit', async () => {
  const shown = await w.slack.command(ids.repEast2, '/visit', 'remind');
  expect(textOf(shown.body)).toContain('30 minutes');
  const set = await w.slack.command(ids.repEast2, '/visit', 'remind 15');
  expect(textOf(set.body)).toContain('15 minutes');
  expect((await w.em().findOneOrFail(User, { slackUserId: ids.repEast2 })).reminderLeadMinutes).toBe(15);
  const tooMuch = await w.slack.command(ids.repEast2, '/visit', 'remind 5000');
  expect(textOf(tooMuch.body)).toContain('1440');
  expect((await w.em().findOneOrFail(User, { slackUserId: ids.repEast2 })).reminderLeadMinutes).toBe(15);
});

test('a guest from another workspace (Slack Connect) is refused, is never signed up, and sees no pool', async () => {
  w.fake.setUser('UGUEST', { name: 'Guest Person', team_id: 'TOTHERCO' });
  const res = await w.slack.command('UGUEST', '/customer', 'pool');
  expect(textOf(res.body)).toContain('members of this workspace only');
  expect(textOf(res.body)).not.toContain('Pool Pharma');
  expect(await w.em().count(User, { slackUserId: 'UGUEST' })).toBe(0);

  // A click whose payload itself says the person's home team is another one: refused before any look-up.
  const responseUrl = w.fake.responseUrl('guest-click');
  const payload = {
    type: 'block_actions',
    user: { id: 'UGUEST2', username: 'guest2', team_id: 'TOTHERCO' },
    team: { id: w.tenant.slackTeamId },
    api_app_id: w.fake.appId,
    trigger_id: w.fake.issueTrigger(),
    actions: [{ type: 'button', action_id: 'customer.pool_page:0', block_id: 'b', value: '1', action_ts: '1700000000.000100' }],
    container: { type: 'message', message_ts: '1700000000.000001', channel_id: 'CSHARED', is_ephemeral: true },
    channel: { id: 'CSHARED' },
    response_url: responseUrl,
  };
  const click = await w.slack.signed(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
  expect(click.status).toBe(200);
  const answer = await w.fake.waitFor('response', (r) => r.id === 'guest-click', 5000);
  expect(JSON.stringify(answer.body)).toContain('members of this workspace only');
  expect(JSON.stringify(answer.body)).not.toContain('Pool Pharma');
  expect(await w.em().count(User, { slackUserId: 'UGUEST2' })).toBe(0);
});

test('a duplicate in another team is named only by whom to ask: no name, no id, no button, and "create anyway" is refused', async () => {
  const westwind = await w.em().findOneOrFail(Customer, { name: 'Westwind Ltd' });
  const res = await w.slack.command(ids.repEast, '/visit', '"Westwind Ltd" met the buyer');
  expect(textOf(res.body)).toContain('No customer matches');
  const create = findButton(res.body, 'customer.create')!;
  const clicked = w.fake.mark();
  await w.slack.blockAction(ids.repEast, { action_id: create.action_id, value: create.value });
  const warning = await w.fake.waitFor('response', undefined, 5000, { after: clicked });
  const text = JSON.stringify(warning.body);
  expect(text).toContain('already exists in another team');
  expect(text).toContain('Ada Admin');
  expect(text).not.toContain(westwind.id);
  expect(text).not.toContain('customer.pick');
  expect(text).not.toContain('customer.create_anyway');

  // Forcing it (a crafted button value, or the form's "create anyway") changes nothing either.
  const forced = JSON.stringify({ name: 'Westwind Ltd', i: { do: 'log', notes: 'forced' }, force: true });
  const again = w.fake.mark();
  await w.slack.blockAction(ids.repEast, { action_id: 'customer.create_anyway:0', value: forced });
  expect(JSON.stringify((await w.fake.waitFor('response', undefined, 5000, { after: again })).body)).toContain('already exists in another team');
  const form = await w.slack.viewSubmission(ids.repEast, {
    callback_id: 'customer.new',
    state: { values: { name: { name: { type: 'plain_text_input', value: 'Westwind Ltd' } }, owner: { owner: { type: 'static_select', selected_option: { value: 'me' } } }, allowDuplicate: { allowDuplicate: { type: 'static_select', selected_option: { value: 'yes' } } } } },
  });
  expect(form.body).toMatchObject({ response_action: 'errors', errors: { name: expect.stringContaining('another team') } });
  expect(await w.em().count(Customer, { name: 'Westwind Ltd' })).toBe(1);
  expect(await w.em().count(Interaction, { notes: { $in: ['met the buyer', 'forced'] } })).toBe(0);

  // The admin, who may see it, is offered the existing one.
  const admin = await w.slack.command(ids.admin, '/customer', 'new');
  expect(admin.status).toBe(200);
  const adminForm = await w.slack.viewSubmission(ids.admin, {
    callback_id: 'customer.new',
    state: { values: { name: { name: { type: 'plain_text_input', value: 'Westwind Ltd' } }, owner: { owner: { type: 'static_select', selected_option: { value: 'me' } } } } },
  });
  expect(JSON.stringify(adminForm.body)).toContain('Westwind Ltd');
  expect(JSON.stringify(adminForm.body)).not.toContain('another team');
});
