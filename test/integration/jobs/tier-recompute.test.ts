import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { addTierRule } from '../../../src/domain/customers/add-tier-rule';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { Interaction } from '../../../src/domain/activities/interaction.entity';
import type { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { clockAt } from '../../../src/jobs/clock';
import { nudgeTickJob } from '../../../src/jobs/nudge-tick.job';
import { makeCustomer, makeTenant, makeUser } from '../../support/factories';
import { sleep, startJobsWorld, type JobsWorld } from './jobs-world';

let world: JobsWorld;
beforeAll(async () => { world = await startJobsWorld(); });
afterAll(async () => { await world.stop(); });
afterEach(async () => { await world.stopWorkers(); });

test('the nightly recompute runs at 02:00 in the tenant’s zone, once per local day', async () => {
  // 18:30 UTC on 2 Dec is 02:30 on 3 Dec in Shanghai (and 18:30 for the UTC tenant: not its hour).
  const now = new Date('2026-12-02T18:30:00Z');
  const em = world.em();
  const shanghai = await makeTenant(em, 'shanghai-tiers', { defaultTimezone: 'Asia/Shanghai', defaultCurrency: 'CNY' } as Partial<Tenant>);
  const admin = await makeUser(em, shanghai, { role: 'admin' });
  const rep = await makeUser(em, shanghai);
  const busy = await makeCustomer(em, shanghai, rep.user, '忙碌客户');
  const utcCustomer = await makeCustomer(em, world.tenant, null, 'UTC customer');
  await addTierRule(world.em(), admin.actor, { name: '活跃客户', tier: 'B', interactionsMin: 3 }, { now });
  await addTierRule(world.em(), { kind: 'system', tenantId: world.tenant.id, label: 'test' }, { name: 'Anyone', tier: 'A' }, { now });
  expect((await world.em().findOneOrFail(Customer, { id: busy.id })).tier).toBe('C');

  // Interactions logged after the rules were added: only a recompute notices them.
  for (let i = 0; i < 3; i++) em.create(Interaction, { tenantId: shanghai.id, customerId: busy.id, userId: rep.user.id, type: 'visit', status: 'done', occurredAt: new Date('2026-11-20T02:00:00Z') } as Interaction);
  await em.flush();
  await world.em().execute(`update customers set tier = null where id = ?`, [utcCustomer.id]);

  // At 01:30 Shanghai time nothing is due yet.
  const early = await world.startWorker(clockAt(new Date('2026-12-02T17:30:00Z')));
  await early.queues.add(nudgeTickJob, { hour: 'tiers-early' });
  await sleep(1500);
  expect(await early.queues.queue('schedules').getJob(`tier-recompute.${shanghai.id}.2026-12-03`)).toBeUndefined();
  expect((await world.em().findOneOrFail(Customer, { id: busy.id })).tier).toBe('C');
  await world.stopWorkers();

  const worker = await world.startWorker(clockAt(now));
  await worker.queues.add(nudgeTickJob, { hour: 'tiers-1' });
  await world.until(async () => (await world.em().findOneOrFail(Customer, { id: busy.id })).tier === 'B', 'the nightly recompute');
  const job = await worker.queues.queue('schedules').getJob(`tier-recompute.${shanghai.id}.2026-12-03`);
  expect(job?.name).toBe('tier-recompute');
  expect(await world.em().findOneOrFail(Customer, { id: busy.id })).toMatchObject({ tier: 'B', tierRuleName: '活跃客户' });
  // Not the UTC tenant's hour: its customer was left alone.
  expect((await world.em().findOneOrFail(Customer, { id: utcCustomer.id })).tier).toBeNull();

  // A second tick the same local day adds nothing, even after more changes.
  await world.em().execute(`update customers set tier = 'A' where id = ?`, [busy.id]);
  await worker.queues.add(nudgeTickJob, { hour: 'tiers-2' });
  await sleep(2000);
  expect((await world.em().findOneOrFail(Customer, { id: busy.id })).tier).toBe('A');
  const runs = (await worker.queues.queue('schedules').getJobs(['completed', 'active', 'waiting', 'delayed'])).filter((j) => j.name === 'tier-recompute');
  expect(runs.map((j) => j.id)).toEqual([`tier-recompute.${shanghai.id}.2026-12-03`]);
  const nightly = await world.em().find(AuditEntry, { tenantId: shanghai.id, action: 'customer.tiers.recompute' }, { orderBy: { id: 'asc' } });
  expect(nightly.map((a) => a.after!.trigger)).toEqual(['rules', 'nightly']);
  expect(nightly[1]).toMatchObject({ actorLabel: 'tiers', after: { evaluated: 1, changed: 1, written: 1 } });
});
