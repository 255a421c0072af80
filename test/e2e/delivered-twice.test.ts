import { importProducts } from '../../src/cli/import-products.command';
import { encodeCreate, encodePick } from '../../src/bots/customers/intent';
import { Customer } from '../../src/domain/customers/customer.entity';
import { Interaction } from '../../src/domain/activities/interaction.entity';
import { Opportunity } from '../../src/domain/opportunities/opportunity.entity';
import { Quote } from '../../src/domain/quotes/quote.entity';
import { createQuote } from '../../src/domain/quotes/create-quote';
import { userActor } from '../../src/domain/shared/actor';
import type { User } from '../../src/domain/org/user.entity';
import { startChatWorld, type ChatWorld, type TeamsPerson } from '../support/chat-world';
import { makeCustomer, makeUnit, makeUser } from '../support/factories';

/**
 * The same delivery twice — a replayed signed Slack body, a resubmitted modal, a Teams activity
 * posted again — has one effect, one audit row and one answer, for every kind of write.
 */
let w: ChatWorld;
let rep: User;
let manager: User;
let acme: Customer;
let repOnTeams: TeamsPerson;
let managerOnTeams: TeamsPerson;

beforeAll(async () => {
  w = await startChatWorld();
  const em = w.em();
  const east = await makeUnit(em, w.tenant, 'Sales/East');
  rep = (await makeUser(em, w.tenant, { unit: east, slackUserId: 'UTWICE', name: 'Tia Twice' })).user;
  manager = (await makeUser(em, w.tenant, { role: 'manager', unit: east, manages: true, slackUserId: 'UTWICEMGR', name: 'Max Manager' })).user;
  acme = await makeCustomer(em, w.tenant, rep, 'Twice Corp');
  await importProducts(w.em(), w.tenant.slug, 'sku,name,list_price,currency\nSKU-1,Widget,100.00,CNY\n');
  repOnTeams = await w.onTeams(rep, '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
  managerOnTeams = await w.onTeams(manager, '8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e');
}, 60_000);

afterAll(async () => {
  expect(w.fake.violations()).toEqual([]);
  await w.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const audits = async (action: string) => Number((await w.em().getConnection().execute(`select count(*)::int as n from audit_log where action = ?`, [action]))[0].n);
const slackAnswers = (id: string) => w.fake.responses.filter((r) => r.id === id && r.status === 200).length;
const quotesOf = () => w.em().count(Quote, { customerId: acme.id });

/** Clicks a button, then posts the very same signed body again. */
async function clickTwice(action: string, value: string, answerId: string) {
  const first = await w.slack.blockAction('UTWICE', { action_id: `${action}:0`, value, responseUrl: w.fake.responseUrl(answerId) });
  const again = await w.slack.raw(first.request.body, first.request.headers);
  expect([first.status, again.status]).toEqual([200, 200]);
  await w.fake.waitFor('response', (r) => r.id === answerId, 5000);
  await sleep(300);
}

describe('Slack: the same signed block_actions body twice', () => {
  test.each([
    ['log visit', { do: 'log' as const, notes: 'pick twice: logged' }, () => w.em().count(Interaction, { notes: 'pick twice: logged' }), 'interaction.log'],
    ['plan visit', { do: 'plan' as const, at: Date.now() + 86_400_000, purpose: 'pick twice: planned' }, () => w.em().count(Interaction, { purpose: 'pick twice: planned' }), 'interaction.plan'],
    ['new deal', { do: 'opp' as const, amount: '1000.00', title: 'Pick twice deal' }, () => w.em().count(Opportunity, { title: 'Pick twice deal' }), 'opportunity.create'],
    ['new quote', { do: 'quote' as const, lines: [{ quantity: 3, sku: 'SKU-1' }] }, quotesOf, 'quote.create'],
  ])('%s: one effect, one audit row, one answer', async (_name, intent, effects, auditAction) => {
    const before = { effects: await effects(), audits: await audits(auditAction) };
    await clickTwice('customer.pick', encodePick(acme.id, intent), `pick-${auditAction}`);
    expect(await effects()).toBe(before.effects + 1);
    expect(await audits(auditAction)).toBe(before.audits + 1);
    expect(slackAnswers(`pick-${auditAction}`)).toBe(1);
  });

  test('create customer: one customer, one audit row, one answer', async () => {
    const before = await audits('customer.create');
    await clickTwice('customer.create', encodeCreate('Created Twice Ltd', { do: 'show' }), 'create-twice');
    expect(await w.em().count(Customer, { name: 'Created Twice Ltd' })).toBe(1);
    expect(await audits('customer.create')).toBe(before + 1);
    expect(slackAnswers('create-twice')).toBe(1);
  });

  test('create a customer and quote a product not in the catalog: refused whole — no customer, no audit row — and told why, once', async () => {
    const before = await audits('customer.create');
    await clickTwice('customer.create', encodeCreate('Half Done Ltd', { do: 'quote', lines: [{ quantity: 2, sku: 'NOT-SOLD' }] }), 'half-done');
    expect(await w.em().count(Customer, { name: 'Half Done Ltd' })).toBe(0);
    expect(await audits('customer.create')).toBe(before);
    expect(slackAnswers('half-done')).toBe(1);
    expect(JSON.stringify(w.fake.responses.find((r) => r.id === 'half-done'))).toContain('NOT-SOLD');
  });

  test('approve: approved once, one audit row, one answer', async () => {
    const quote = await createQuote(w.em(), userActor(w.tenant.id, rep.id, 'rep'), { customerId: acme.id, lines: [{ sku: 'SKU-1', quantity: 1 }], extraPercentOff: '12' });
    expect(quote.status).toBe('pending_approval');
    const before = await audits('quote.approved');
    const first = await w.slack.blockAction('UTWICEMGR', { action_id: 'quote.approve:0', value: quote.id, responseUrl: w.fake.responseUrl('approve-twice') });
    await w.slack.raw(first.request.body, first.request.headers);
    await w.fake.waitFor('response', (r) => r.id === 'approve-twice', 5000);
    await sleep(300);
    expect((await w.em().findOneOrFail(Quote, { id: quote.id })).status).toBe('approved');
    expect(await audits('quote.approved')).toBe(before + 1);
    expect(slackAnswers('approve-twice')).toBe(1);
  });
});

const input = (id: string, value: string) => ({ [id]: { [id]: { type: 'plain_text_input', value } } });
const select = (id: string, value: string) => ({ [id]: { [id]: { type: 'static_select', selected_option: { value } } } });
const picked = (id: string, value: string) => ({ [id]: { [id]: { type: 'external_select', selected_option: { value } } } });
const when = (id: string, at: Date) => ({ [id]: { [id]: { type: 'datetimepicker', selected_date_time: Math.floor(at.getTime() / 1000) } } });

describe('Slack: the same view_submission twice', () => {
  const tomorrow = () => new Date(Date.now() + 86_400_000);
  test.each([
    ['visit.log', () => ({ ...picked('customer', acme.id), ...select('type', 'visit'), ...input('notes', 'form twice: logged') }), () => w.em().count(Interaction, { notes: 'form twice: logged' }), 'interaction.log'],
    ['visit.plan', () => ({ ...picked('customer', acme.id), ...when('when', tomorrow()), ...input('purpose', 'form twice: planned') }), () => w.em().count(Interaction, { purpose: 'form twice: planned' }), 'interaction.plan'],
    ['opp.new', () => ({ ...picked('customer', acme.id), ...input('title', 'Form twice deal'), ...input('amount', '2万'), ...select('currency', 'CNY') }), () => w.em().count(Opportunity, { title: 'Form twice deal' }), 'opportunity.create'],
    ['quote.new', () => ({ ...picked('customer', acme.id), ...input('lines', '4 x SKU-1') }), quotesOf, 'quote.create'],
    ['customer.new', () => ({ ...input('name', 'Form Twice Ltd'), ...select('owner', 'me') }), () => w.em().count(Customer, { name: 'Form Twice Ltd' }), 'customer.create'],
  ])('%s: one effect, one audit row, one message', async (callbackId, values, effects, auditAction) => {
    const before = { effects: await effects(), audits: await audits(auditAction), posts: w.fake.calls.length };
    const first = await w.slack.viewSubmission('UTWICE', { callback_id: callbackId, private_metadata: JSON.stringify({ _ch: 'CFORMS' }), state: { values: values() } });
    const again = await w.slack.raw(first.request.body, first.request.headers);
    // The repeat is told what the first was (the modal closes), not that its own effect clashes with it.
    expect([first.status, again.status, first.body, again.body]).toEqual([200, 200, '', '']);
    // The confirmation is posted after the modal closes: wait for it, then for a second one that must not come.
    await w.fake.waitFor('chat.postEphemeral', (c) => w.fake.calls.indexOf(c) >= before.posts && c.args.channel === 'CFORMS', 5000);
    await sleep(300);
    expect(await effects()).toBe(before.effects + 1);
    expect(await audits(auditAction)).toBe(before.audits + 1);
    const posted = w.fake.calls.slice(before.posts).filter((c) => c.method === 'chat.postEphemeral' && c.args.channel === 'CFORMS');
    expect(posted).toHaveLength(1);
  });
});

describe('Teams: the same activity posted twice', () => {
  /** Posts an activity, and the very same one again; returns both HTTP answers. */
  const postTwice = async (activity: unknown) => {
    const first = await w.postTeams(activity);
    const again = await w.postTeams(activity);
    expect([first.status, again.status]).toEqual([200, 200]);
    return [await first.text(), await again.text()];
  };
  const answersIn = (person: TeamsPerson, marker: string) => w.teams.sent.filter((s) => s.conversationId === `a:${person.aadObjectId}` && JSON.stringify(s.activity).includes(marker)).length;

  test.each([
    ['log visit', 'visit Twice Corp teams twice: logged', () => w.em().count(Interaction, { notes: 'teams twice: logged' }), 'interaction.log', 'Logged your visit'],
    ['plan visit', 'visit plan Twice Corp tomorrow 10am teams twice: planned', () => w.em().count(Interaction, { purpose: 'teams twice: planned' }), 'interaction.plan', 'Planned'],
    ['new deal', 'opp new Twice Corp 30k Teams twice deal', () => w.em().count(Opportunity, { title: 'Teams twice deal' }), 'opportunity.create', 'Teams twice deal'],
    ['new quote', 'quote Twice Corp 5 x SKU-1', quotesOf, 'quote.create', 'Quote Q-'],
  ])('typed %s: one effect, one audit row, one answer', async (_name, text, effects, auditAction, marker) => {
    const before = { effects: await effects(), audits: await audits(auditAction), answers: answersIn(repOnTeams, marker) };
    await postTwice(w.activity(repOnTeams, { type: 'message', text }));
    await w.teams.waitFor((s) => s.conversationId === `a:${repOnTeams.aadObjectId}` && JSON.stringify(s.activity).includes(marker) && w.teams.sent.indexOf(s) >= 0 && answersIn(repOnTeams, marker) > before.answers, 10_000);
    await sleep(800);
    expect(await effects()).toBe(before.effects + 1);
    expect(await audits(auditAction)).toBe(before.audits + 1);
    expect(answersIn(repOnTeams, marker)).toBe(before.answers + 1);
  });

  const execute = (person: TeamsPerson, verb: string, data: Record<string, unknown>) =>
    w.activity(person, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } });

  test('a create-customer button: one customer, one audit row; both answers show it', async () => {
    const before = await audits('customer.create');
    const [a, b] = await postTwice(execute(repOnTeams, 'customer.create', { value: encodeCreate('Teams Twice Ltd', { do: 'show' }) }));
    expect(await w.em().count(Customer, { name: 'Teams Twice Ltd' })).toBe(1);
    expect(await audits('customer.create')).toBe(before + 1);
    expect(a).toContain('Teams Twice Ltd');
    expect(b).toBe(a);
  });

  test('approve: approved once, one audit row', async () => {
    const quote = await createQuote(w.em(), userActor(w.tenant.id, rep.id, 'rep'), { customerId: acme.id, lines: [{ sku: 'SKU-1', quantity: 2 }], extraPercentOff: '12' });
    const before = await audits('quote.approved');
    const [a] = await postTwice(execute(managerOnTeams, 'quote.approve', { value: quote.id }));
    expect((await w.em().findOneOrFail(Quote, { id: quote.id })).status).toBe('approved');
    expect(await audits('quote.approved')).toBe(before + 1);
    expect(a).toMatch(/Approved/);
  });

  test('a dialog submitted twice (the same activity): one visit', async () => {
    const submit = w.activity(repOnTeams, { type: 'invoke', name: 'task/submit', value: { data: { verb: 'dialog.submit', formId: 'visit.log', metadata: {}, customer: 'Twice Corp', type: 'visit', notes: 'dialog twice: logged' } } });
    await postTwice(submit);
    await sleep(300);
    expect(await w.em().count(Interaction, { notes: 'dialog twice: logged' })).toBe(1);
    expect(answersIn(repOnTeams, 'Logged your visit to **Twice Corp**')).toBeGreaterThanOrEqual(1);
  });
});
