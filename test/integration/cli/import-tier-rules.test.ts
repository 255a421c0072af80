import { importCustomers } from '../../../src/cli/import-customers.command';
import { importTierRules } from '../../../src/cli/import-tier-rules.command';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { TierRule } from '../../../src/domain/customers/tier-rule.entity';
import { makeCustomer, makeTenant } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const csv = (...lines: string[]) => lines.join('\n');
const header = 'name,position,tier,key_account,region,industry,size,won_revenue_min,interactions_min,pipeline_min';
const rulesOf = async (tenantId: string) =>
  (await db.em().find(TierRule, { tenantId }, { orderBy: { position: 'asc' } })).map((r) => [r.position, r.name, r.tier, r.keyAccount, r.regions, r.industries, r.sizes, r.wonRevenueMin ?? null, r.interactionsMin ?? null, r.pipelineMin ?? null]);

test('the file is the rule set, in order: bad rows are named and nothing is imported; a re-import updates, keeps ids and removes what is missing', async () => {
  const tenant = await makeTenant(db.em(), 'tiers-csv');
  const east = await makeCustomer(db.em(), tenant, null, 'East Works', { region: '华东', industry: 'Manufacturing' });
  const other = await makeCustomer(db.em(), tenant, null, 'Other');

  const bad = await importTierRules(db.em(), 'tiers-csv', csv(header,
    'Big East,1,A,yes,华东;华北,,,500000,,',
    'No tier,2,,no,,,,,,',
    'Bad key,3,B,maybe,,,,,,',
    'Bad numbers,x,C,,,,,lots,2.5,-1',
    'big east,4,B,,,,,,,',
  ));
  expect(bad.imported).toBe(false);
  expect(bad.errors.map((e) => `${e.line}: ${e.reason}`)).toEqual(expect.arrayContaining([
    '3: tier must be A, B or C',
    '4: key_account must be yes or no',
    '5: position must be a whole number from 1',
    '5: interactions_min must be a whole number',
    expect.stringMatching(/^5: won_revenue_min must be an amount/),
    expect.stringMatching(/^5: pipeline_min must be an amount/),
    'the same rule name appears more than once (lines 2, 6)'.replace(/^/, '6: '),
  ]));
  expect(await db.em().count(TierRule, { tenantId: tenant.id })).toBe(0);

  const good = await importTierRules(db.em(), 'tiers-csv', csv(header,
    'Busy,,B,,,,,,10,',
    'Big East,1,A,yes,华东;华北,,,"500,000",,',
    'Factories,2,A,no,华东,Manufacturing;制造业,1000+;201-1000,,,',
  ));
  expect(good.errors).toEqual([]);
  expect(good).toMatchObject({ imported: true, created: 3, updated: 0, removed: 0, recomputed: { evaluated: 2, changed: 2 } });
  expect(await rulesOf(tenant.id)).toEqual([
    [1, 'Big East', 'A', true, ['华东', '华北'], [], [], '500000.00', null, null],
    [2, 'Factories', 'A', false, ['华东'], ['Manufacturing', '制造业'], ['1000+', '201-1000'], null, null, null],
    [3, 'Busy', 'B', false, [], [], [], null, 10, null],
  ]);
  // No size: Factories does not match; no rule matches either customer.
  expect((await db.em().find(Customer, { tenantId: tenant.id }, { orderBy: { name: 'asc' } })).map((c) => [c.name, c.tier])).toEqual([['East Works', 'C'], ['Other', 'C']]);
  const factoriesId = (await db.em().findOneOrFail(TierRule, { tenantId: tenant.id, name: 'Factories' })).id;

  await db.em().execute(`update customers set company_size = '1000+' where id = ?`, [east.id]);
  const again = await importTierRules(db.em(), 'tiers-csv', csv(header,
    'factories,1,A,yes,华东,Manufacturing,1000+,,,',
    'Big East,2,A,yes,华东;华北,,,500000.00,,',
  ));
  expect(again).toMatchObject({ imported: true, created: 0, updated: 2, unchanged: 0, removed: 1 });
  expect(await rulesOf(tenant.id)).toEqual([
    [1, 'factories', 'A', true, ['华东'], ['Manufacturing'], ['1000+'], null, null, null],
    [2, 'Big East', 'A', true, ['华东', '华北'], [], [], '500000.00', null, null],
  ]);
  expect((await db.em().findOneOrFail(TierRule, { tenantId: tenant.id, name: 'factories' })).id).toBe(factoriesId);
  expect(await db.em().findOneOrFail(Customer, { id: east.id })).toMatchObject({ tier: 'A', keyAccount: true, tierRuleId: factoriesId, tierRuleName: 'factories' });
  expect((await db.em().findOneOrFail(Customer, { id: other.id })).tier).toBe('C');

  const same = await importTierRules(db.em(), 'tiers-csv', csv(header, 'factories,1,A,yes,华东,Manufacturing,1000+,,,', 'Big East,2,A,yes,华东;华北,,,500000,,'));
  expect(same).toMatchObject({ imported: true, created: 0, updated: 0, unchanged: 2, removed: 0, recomputed: { changed: 0 } });
  expect(await db.em().count(AuditEntry, { tenantId: tenant.id, action: 'tier_rule.delete' })).toBe(1);

  // --skip-invalid: the good rows are the set, a rule whose row is bad stays as it was.
  const skipped = await importTierRules(db.em(), 'tiers-csv', csv(header, 'Big East,1,Z,,,,,,,', 'New,2,C,,,,,,,'), { skipInvalid: true });
  expect(skipped).toMatchObject({ imported: true, created: 1, removed: 1, skipped: 1 });
  expect((await rulesOf(tenant.id)).map((r) => [r[0], r[1]])).toEqual([[1, 'New'], [2, 'Big East']]);
});

test('customers imported into a tenant with rules get their tiers from the rules', async () => {
  const tenant = await makeTenant(db.em(), 'tiers-customers');
  await importTierRules(db.em(), 'tiers-customers', csv(header, 'East,1,B,no,East,,,,,'));
  const imported = await importCustomers(db.em(), 'tiers-customers', csv('name,region,tier', 'Eastco,East,A', 'Westco,West,A'));
  expect(imported).toMatchObject({ imported: true, created: 2 });
  expect((await db.em().find(Customer, { tenantId: tenant.id }, { orderBy: { name: 'asc' } })).map((c) => [c.name, c.tier, c.tierRuleName])).toEqual([['Eastco', 'B', 'East'], ['Westco', 'C', null]]);
});
