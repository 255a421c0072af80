import { importProducts } from '../../src/cli/import-products.command';
import { Customer } from '../../src/domain/customers/customer.entity';
import { Quote } from '../../src/domain/quotes/quote.entity';
import { eventually } from '../support/eventually';
import { makeCustomer, makeUnit, makeUser } from '../support/factories';
import { startSlackWorld, type SlackWorld } from '../support/slack-world';

let w: SlackWorld;

beforeAll(async () => {
  w = await startSlackWorld();
  const em = w.em();
  const east = await makeUnit(em, w.tenant, 'Sales/East');
  const rep = await makeUser(em, w.tenant, { unit: east, slackUserId: 'UQREP', name: 'Amy Rep' });
  await makeUser(em, w.tenant, { role: 'manager', unit: east, manages: true, slackUserId: 'UQMGR', name: 'Li Manager' });
  await makeUser(em, w.tenant, { unit: east, slackUserId: 'UQOTHER', name: 'Bob Rep' });
  await makeCustomer(em, w.tenant, rep.user, 'ACME');
  await importProducts(w.em(), w.tenant.slug, 'sku,name,list_price,currency\nSKU-1,Widget,100.00,USD\n');
}, 60_000);

afterAll(async () => {
  expect(w.fake.violations()).toEqual([]);
  await w.stop();
});

const textOf = (body: unknown): string => JSON.stringify(body);
const buttonIn = (blocks: unknown, actionPrefix: string) =>
  JSON.parse(JSON.stringify(blocks)).flatMap((b: { elements?: Array<{ action_id?: string; value?: string }> }) => b.elements ?? []).find((e: { action_id?: string }) => e.action_id?.startsWith(actionPrefix)) as { action_id: string; value: string } | undefined;

test("/quote with 12 % off (beyond the rep's 5 %): the manager gets an approval card; the rep's own click is refused; the manager's approves once; the rep is told", async () => {
  const res = await w.slack.command('UQREP', '/quote', 'ACME 10 x SKU-1 discount 12%');
  expect(res.ms).toBeLessThan(3000);
  expect(textOf(res.body)).toMatch(/needs approval: sent to Li Manager/);
  expect(textOf(res.body)).toContain('$880.00');

  const request = await w.fake.waitFor('chat.postMessage', (c) => c.ok && c.args.channel === 'DQMGR' && JSON.stringify(c.args).includes('asks you to approve'), 15_000);
  const approve = buttonIn(request.args.blocks, 'quote.approve')!;
  expect(approve).toBeDefined();

  const own = w.fake.mark();
  await w.slack.blockAction('UQREP', { action_id: approve.action_id, value: approve.value, responseUrl: w.fake.responseUrl('own-click') });
  const refused = await w.fake.waitFor('response', (r) => r.seq > own && r.id === 'own-click', 5000);
  expect(JSON.stringify(refused.body)).toMatch(/own quote|do not have access/i);
  expect((await w.em().findOneOrFail(Quote, { id: approve.value })).status).toBe('pending_approval');

  const click = (id: string) => w.slack.blockAction('UQMGR', { action_id: approve.action_id, value: approve.value, responseUrl: w.fake.responseUrl(id) });
  await Promise.all([click('mgr-1'), click('mgr-2')]);
  const answers = await Promise.all(['mgr-1', 'mgr-2'].map((id) => w.fake.waitFor('response', (r) => r.id === id, 5000)));
  const texts = answers.map((a) => JSON.stringify(a.body));
  expect(texts.filter((t) => /Approved\. Amy Rep has been told/.test(t))).toHaveLength(1);
  expect(texts.filter((t) => /already decided/.test(t))).toHaveLength(1);
  expect((await w.em().findOneOrFail(Quote, { id: approve.value })).status).toBe('approved');

  const told = await w.fake.waitFor('chat.postMessage', (c) => c.ok && c.args.channel === 'DQREP' && JSON.stringify(c.args).includes('was approved by Li Manager'), 15_000);
  expect(told).toBeDefined();
  await new Promise((r) => setTimeout(r, 800));
  expect(w.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === 'DQREP')).toHaveLength(1);
});

test('reject asks why, and the rep reads the reason', async () => {
  await w.slack.command('UQREP', '/quote', 'ACME 2 x SKU-1 discount 10%');
  const request = await w.fake.waitFor('chat.postMessage', (c) => c.ok && c.args.channel === 'DQMGR' && JSON.stringify(c.args).includes('x') && buttonIn(c.args.blocks, 'quote.reject') !== undefined && !JSON.stringify(c.args).includes('10 ×'), 15_000);
  const reject = buttonIn(request.args.blocks, 'quote.reject')!;
  await w.slack.blockAction('UQMGR', { action_id: reject.action_id, value: reject.value });
  const opened = await w.fake.waitFor('views.open', (c) => JSON.stringify(c.args).includes('quote.reject'), 5000);
  const view = opened.args.view;
  const blockId = view.blocks.find((b: { element?: { action_id?: string } }) => b.element?.action_id === 'comment')?.block_id;
  await w.slack.viewSubmission('UQMGR', { callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values: { [blockId]: { comment: { type: 'plain_text_input', value: 'Margin too thin' } } } } });
  const told = await w.fake.waitFor('chat.postMessage', (c) => c.ok && c.args.channel === 'DQREP' && JSON.stringify(c.args).includes('Margin too thin'), 15_000);
  expect(JSON.stringify(told.args)).toMatch(/rejected by Li Manager/);
});

test('/product and bad /quote input answer helpfully', async () => {
  const product = await w.slack.command('UQOTHER', '/product', 'widget');
  expect(textOf(product.body)).toContain('SKU-1');
  expect(textOf(product.body)).toContain('$100.00');
  const unknown = await w.slack.command('UQREP', '/quote', 'ACME 3 x NOPE-9');
  expect(textOf(unknown.body)).toContain('NOPE-9');
  const noLines = await w.slack.command('UQREP', '/quote', 'ACME please');
  expect(textOf(noLines.body)).toContain('/quote ACME 10 x SKU-1');
});

test('20 % off is beyond the manager too: with no admin in the workspace it is refused, not let through', async () => {
  const before = await w.em().count(Quote, {});
  const res = await w.slack.command('UQREP', '/quote', 'ACME 10 x SKU-1 discount 20%');
  expect(textOf(res.body)).toMatch(/Nobody in the workspace can approve/);
  expect(await w.em().count(Quote, {})).toBe(before);
  await makeUser(w.em(), w.tenant, { role: 'admin', slackUserId: 'UQADMIN', name: 'Ada Admin' });
  const again = await w.slack.command('UQREP', '/quote', 'ACME 10 x SKU-1 discount 20%');
  expect(textOf(again.body)).toMatch(/sent to Ada Admin/);
  await w.fake.waitFor('chat.postMessage', (c) => c.ok && c.args.channel === 'DQADMIN' && JSON.stringify(c.args).includes('asks you to approve'), 15_000);
});

test('/sfa admin approvals shows and sets the limits, for admins only', async () => {
  const refused = await w.slack.command('UQMGR', '/sfa', 'admin approvals rep 8');
  expect(textOf(refused.body)).toMatch(/admin/);
  const set = await w.slack.command('UQADMIN', '/sfa', 'admin approvals rep 8 manager 20');
  expect(textOf(set.body)).toMatch(/reps up to 8 %; managers approve up to 20 %/);
  const totals = await w.slack.command('UQADMIN', '/sfa', 'admin approvals rep-total 500');
  expect(textOf(totals.body)).toMatch(/Quotes over 500 need approval/);
  const big = await w.slack.command('UQREP', '/quote', 'ACME 10 x SKU-1');
  expect(textOf(big.body)).toMatch(/needs approval: sent to Li Manager/);
  const small = await w.slack.command('UQREP', '/quote', 'ACME 2 x SKU-1');
  expect(textOf(small.body)).toMatch(/is approved and ready to send/);
  const bad = await w.slack.command('UQADMIN', '/sfa', 'admin approvals rep lots');
  expect(textOf(bad.body)).toContain('/sfa admin approvals rep 5 manager 15');
});

test('the bare /quote opens the quote form; submitting it files the quote', async () => {
  const before = await w.em().count(Quote, {});
  const res = await w.slack.command('UQREP', '/quote', '');
  expect(res.status).toBe(200);
  const opened = await w.fake.waitFor('views.open', (c) => JSON.stringify(c.args).includes('quote.new'), 5000);
  const view = typeof opened.args.view === 'string' ? JSON.parse(opened.args.view) : opened.args.view;
  const acme = await w.em().findOneOrFail(Customer, { name: 'ACME' });
  const bad = await w.slack.viewSubmission('UQREP', {
    callback_id: view.callback_id,
    private_metadata: view.private_metadata,
    state: { values: { customer: { customer: { type: 'external_select', selected_option: { value: acme.id, text: { type: 'plain_text', text: 'ACME' } } } }, lines: { lines: { type: 'plain_text_input', value: 'lots of widgets' } }, discount: { discount: { type: 'number_input', value: null } } } },
  });
  expect(JSON.stringify(bad.body)).toMatch(/response_action.*errors/);
  await w.slack.viewSubmission('UQREP', {
    callback_id: view.callback_id,
    private_metadata: view.private_metadata,
    state: { values: { customer: { customer: { type: 'external_select', selected_option: { value: acme.id, text: { type: 'plain_text', text: 'ACME' } } } }, lines: { lines: { type: 'plain_text_input', value: '3 x SKU-1\n1 x SKU-1' } }, discount: { discount: { type: 'number_input', value: '2' } } } },
  });
  await eventually(async () => expect(await w.em().count(Quote, {})).toBe(before + 1));
});

test("the approver's App Home lists the quotes waiting for them", async () => {
  await w.slack.command('UQREP', '/quote', 'ACME 4 x SKU-1 discount 12%');
  const mark = w.fake.mark();
  await w.slack.event({ type: 'event_callback', team_id: 'T0TEST', event: { type: 'app_home_opened', user: 'UQMGR', tab: 'home' } });
  const published = await w.fake.waitFor('views.publish', (c) => c.seq > mark && c.args.user_id === 'UQMGR', 5000);
  expect(JSON.stringify(published.args)).toMatch(/Approve quote \*Q-\d{4}-\d{4}\* for ACME/);
  expect(JSON.stringify(published.args)).toContain('quote.open');
});
