import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importCustomers } from '../../../src/cli/import-customers.command';
import { importSignalRules } from '../../../src/cli/import-signal-rules.command';
import { main } from '../../../src/cli/main';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { SignalRule } from '../../../src/domain/signals/signal-rule.entity';
import { makeTenant } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

const csv = (...lines: string[]) => lines.join('\n');
const rulesOf = async (tenantId: string) =>
  (await db.em().find(SignalRule, { tenantId }, { orderBy: { name: 'asc' } })).map((r) => [r.name, r.eventType, r.minCount, r.windowDays, r.productSku, r.perProduct, r.urlContains, r.scoreBump, r.active]);

test('signal rules: a bad row stops the file and is named with every problem; good rows import; re-import updates by name', async () => {
  const tenant = await makeTenant(db.em(), 'sigrules');
  const bad = await importSignalRules(db.em(), 'sigrules', csv(
    'name,type,count,days,sku,url,bump,active',
    'Product interest,page_view,3,7,each,,10,',
    'Seminar,seminar_attended,,30,,,15,yes',
    'Broken,clicks,0,400,,,60,maybe',
    'Too many,download,three,7,,,,',
    'product INTEREST,page_view,1,1,,,,',
  ));
  expect(bad.imported).toBe(false);
  expect(bad.errors.map((e) => `${e.line}: ${e.reason}`)).toEqual([
    '4: active must be true or false',
    '4: type must be one of page_view, seminar_attended, download, form_submitted, custom',
    '4: count must be a whole number from 1 to 1000',
    '4: days must be a whole number from 1 to 365',
    '4: bump must be a whole number from 0 to 50',
    '5: count must be a whole number from 1 to 1000',
    '2: the same rule name appears more than once (lines 2, 6)',
    '6: the same rule name appears more than once (lines 2, 6)',
  ]);
  expect(await db.em().count(SignalRule, { tenantId: tenant.id })).toBe(0);

  const typeAndRanges = await importSignalRules(db.em(), 'sigrules', csv('name,type,count,days,bump', 'Broken,clicks,0,400,60'));
  expect(typeAndRanges.errors.map((e) => e.reason)).toEqual([
    'type must be one of page_view, seminar_attended, download, form_submitted, custom',
    'count must be a whole number from 1 to 1000',
    'days must be a whole number from 1 to 365',
    'bump must be a whole number from 0 to 50',
  ]);

  const skipped = await importSignalRules(db.em(), 'sigrules', csv(
    'name,type,count,days,sku,url,bump,active',
    'Product interest,page_view,3,7,each,,10,',
    'Seminar,seminar_attended,,30,,,15,yes',
    'Price list,download,1,14,SKU-1,price,+20,',
    'Broken,clicks,1,1,,,,',
  ), { skipInvalid: true });
  expect(skipped).toMatchObject({ imported: true, created: 3, skipped: 1 });
  expect(await rulesOf(tenant.id)).toEqual([
    ['Price list', 'download', 1, 14, 'SKU-1', false, 'price', 20, true],
    ['Product interest', 'page_view', 3, 7, null, true, null, 10, true],
    ['Seminar', 'seminar_attended', 1, 30, null, false, null, 15, true],
  ]);

  const again = await importSignalRules(db.em(), 'sigrules', csv('name,type,count,days,sku,bump,active', 'product interest,page_view,4,7,each,10,', 'Seminar,seminar_attended,1,30,,15,false', 'Price list,download,1,14,SKU-1,20,'));
  // "Price list" lost its url: an empty cell is no filter.
  expect(again).toMatchObject({ imported: true, created: 0, updated: 3, unchanged: 0 });
  expect(await rulesOf(tenant.id)).toEqual([
    ['Price list', 'download', 1, 14, 'SKU-1', false, null, 20, true],
    ['Product interest', 'page_view', 4, 7, null, true, null, 10, true],
    ['Seminar', 'seminar_attended', 1, 30, null, false, null, 15, false],
  ]);
  const same = await importSignalRules(db.em(), 'sigrules', csv('name,type,count,days,sku,bump', 'Product interest,page_view,4,7,each,10'));
  expect(same).toMatchObject({ imported: true, updated: 0, unchanged: 1 });
  const audits: Array<{ action: string; n: number }> = await db.em().getConnection().execute(`select action, count(*)::int as n from audit_log where tenant_id = ? and entity_type = 'signal_rule' group by action order by action`, [tenant.id]);
  expect(audits).toEqual([{ action: 'signal_rule.create', n: 3 }, { action: 'signal_rule.update', n: 3 }]);
});

test('sfa import signal-rules <file> through the CLI: per-row errors, exit 1, nothing imported', async () => {
  await makeTenant(db.em(), 'sigcli');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sig-')), 'rules.csv');
  fs.writeFileSync(file, '\uFEFFname,type,count,days\nGood,page_view,3,7\nBad,page_view,3,0\n');
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['import', 'signal-rules', file, '--tenant', 'sigcli'], { out: (l) => out.push(l), err: (l) => err.push(l) }, { DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
  expect(code).toBe(1);
  expect(err).toContain('line 3: days must be a whole number from 1 to 365');
  expect(out.join('\n')).toContain('signal rules: nothing imported: 1 of 2 rows has errors');
  fs.writeFileSync(file, 'name,type,count,days\nGood,page_view,3,7\n');
  expect(await main(['import', 'signal-rules', file, '--tenant', 'sigcli'], { out: (l) => out.push(l), err: (l) => err.push(l) }, { DATABASE_URL: db.url, LOG_LEVEL: 'silent' })).toBe(0);
  expect(out.at(-1)).toBe('signal rules: 1 created, 0 updated, 0 skipped, 0 unchanged (tenant sigcli)');
});

test('customers: an optional external_id column, unique per tenant', async () => {
  const tenant = await makeTenant(db.em(), 'extids');
  const bad = await importCustomers(db.em(), 'extids', csv('name,external_id', 'Alpha,CRM-1', 'Beta,CRM-1'));
  expect(bad.errors.map((e) => e.reason)).toEqual(['external_id CRM-1 appears more than once (lines 2, 3)', 'external_id CRM-1 appears more than once (lines 2, 3)']);
  expect(await importCustomers(db.em(), 'extids', csv('name,external_id', 'Alpha,CRM-1', 'Beta,'))).toMatchObject({ imported: true, created: 2 });
  const taken = await importCustomers(db.em(), 'extids', csv('name,external_id', 'Beta,CRM-1'));
  expect(taken.errors.map((e) => e.reason)).toEqual(['external_id CRM-1 already belongs to "Alpha"']);
  expect(await importCustomers(db.em(), 'extids', csv('name,external_id', 'Beta,CRM-2'))).toMatchObject({ imported: true, updated: 1 });
  const stored = await db.em().find(Customer, { tenantId: tenant.id }, { orderBy: { name: 'asc' } });
  expect(stored.map((c) => [c.name, c.externalId])).toEqual([['Alpha', 'CRM-1'], ['Beta', 'CRM-2']]);
});
