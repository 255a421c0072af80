import type { EntityManager } from '@mikro-orm/postgresql';
import { Interaction, type InteractionStatus } from '../../../src/domain/activities/interaction.entity';
import type { Customer } from '../../../src/domain/customers/customer.entity';
import { Opportunity, type Stage } from '../../../src/domain/opportunities/opportunity.entity';
import { StageChange } from '../../../src/domain/opportunities/stage-change.entity';
import type { User } from '../../../src/domain/org/user.entity';
import { DomainError, type ErrorCode } from '../../../src/domain/shared/domain-error';
import type { Tenant } from '../../../src/domain/tenants/tenant.entity';
import { makeCustomer, makeTenant, makeUnit, makeUser } from '../../support/factories';
import type { TestDatabase } from '../../support/test-database';

export const hour = 3600_000;
export const day = 24 * hour;
export const inHours = (h: number) => new Date(Date.now() + h * hour);

/** A visit written straight to the database (fixtures do not go through the use cases under test). */
export async function makeVisit(
  em: EntityManager,
  tenant: Tenant,
  author: User,
  customer: Customer,
  opts: { status?: InteractionStatus; scheduledAt?: Date | null; occurredAt?: Date | null; notes?: string } = {},
): Promise<Interaction> {
  const status = opts.status ?? 'planned';
  const visit = em.create(Interaction, {
    tenantId: tenant.id,
    customerId: customer.id,
    userId: author.id,
    type: 'visit',
    status,
    scheduledAt: opts.scheduledAt !== undefined ? opts.scheduledAt : status === 'planned' ? inHours(24) : null,
    occurredAt: opts.occurredAt !== undefined ? opts.occurredAt : status === 'done' ? inHours(-24) : null,
    notes: opts.notes ?? null,
  } as Interaction);
  await em.flush();
  return visit;
}

export async function makeOpportunity(
  em: EntityManager,
  tenant: Tenant,
  owner: User,
  customer: Customer,
  opts: { title?: string; amount?: string; stage?: Stage; expectedCloseDate?: string | null } = {},
): Promise<Opportunity> {
  const stage = opts.stage ?? 'initial_contact';
  const opportunity = em.create(Opportunity, {
    tenantId: tenant.id,
    customerId: customer.id,
    ownerId: owner.id,
    title: opts.title ?? 'Deal',
    amount: opts.amount ?? '1000.00',
    currency: 'USD',
    stage,
    probability: 10,
    expectedCloseDate: opts.expectedCloseDate ?? null,
    closedAt: stage === 'won' || stage === 'lost' ? new Date() : null,
    lostReason: stage === 'lost' ? 'price' : null,
  } as Opportunity);
  await em.flush();
  em.create(StageChange, { tenantId: tenant.id, opportunityId: opportunity.id, fromStage: null, toStage: stage, changedBy: owner.id } as StageChange);
  await em.flush();
  return opportunity;
}

/**
 * Two tenants. Tenant one: Sales (admin) / East (manager, reps A and B) / East/Shanghai (a rep in
 * the sub-unit) and Sales/West (a rep in a sibling subtree). Tenant two: one rep.
 */
export async function makeOrgWorld(db: TestDatabase) {
  const em = db.em();
  const tenant = await makeTenant(em);
  const sales = await makeUnit(em, tenant, 'Sales');
  const east = await makeUnit(em, tenant, 'Sales/East');
  const shanghai = await makeUnit(em, tenant, 'Sales/East/Shanghai');
  const west = await makeUnit(em, tenant, 'Sales/West');
  const admin = await makeUser(em, tenant, { role: 'admin', unit: sales, name: 'Ada Admin' });
  const manager = await makeUser(em, tenant, { role: 'manager', unit: east, manages: true, name: 'Mia Manager' });
  const repA = await makeUser(em, tenant, { unit: east, name: 'Amy Rep' });
  const repB = await makeUser(em, tenant, { unit: east, name: 'Bob Rep' });
  const repSub = await makeUser(em, tenant, { unit: shanghai, name: 'Sam Rep' });
  const repW = await makeUser(em, tenant, { unit: west, name: 'Wes Rep' });

  const otherTenant = await makeTenant(em);
  const otherEast = await makeUnit(em, otherTenant, 'Sales/East');
  const foreignRep = await makeUser(em, otherTenant, { unit: otherEast, name: 'Xavier Foreign' });
  return { em, tenant, sales, east, shanghai, west, admin, manager, repA, repB, repSub, repW, otherTenant, otherEast, foreignRep };
}
export type OrgWorld = Awaited<ReturnType<typeof makeOrgWorld>>;

const snapshotTables: Array<[table: string, tenantColumn: string]> = [
  ['tenants', 'id'],
  ['org_units', 'tenant_id'],
  ['users', 'tenant_id'],
  ['customers', 'tenant_id'],
  ['interactions', 'tenant_id'],
  ['opportunities', 'tenant_id'],
  ['opportunity_stage_changes', 'tenant_id'],
  ['audit_log', 'tenant_id'],
];

/** Every row of the given tenants as Postgres renders it: two equal snapshots mean nothing changed. */
export async function dbSnapshot(db: TestDatabase, tenantIds: string[]): Promise<Record<string, string[]>> {
  const conn = db.em().getConnection();
  const marks = tenantIds.map(() => '?').join(', ');
  const out: Record<string, string[]> = {};
  for (const [table, column] of snapshotTables) {
    const rows: { j: string }[] = await conn.execute(`select to_jsonb(x)::text as j from "${table}" x where x."${column}" in (${marks}) order by x.id`, tenantIds);
    out[table] = rows.map((r) => r.j);
  }
  return out;
}

export async function auditCount(db: TestDatabase, tenantIds: string[]): Promise<number> {
  const rows: { n: string }[] = await db.em().getConnection().execute(
    `select count(*) as n from audit_log where tenant_id in (${tenantIds.map(() => '?').join(', ')})`,
    tenantIds,
  );
  return Number(rows[0]!.n);
}

/** Awaits a call that must fail with a DomainError of `code`, and returns the error. */
export async function refused(promise: Promise<unknown>, code: ErrorCode): Promise<DomainError> {
  const err = await promise.then(
    (value) => { throw new Error(`expected a ${code} DomainError, got a result: ${JSON.stringify(value)?.slice(0, 200)}`); },
    (e: unknown) => e,
  );
  if (!(err instanceof DomainError)) throw err;
  expect(err.code).toBe(code);
  return err;
}

/**
 * Runs `call`, which must be refused with `code`, and checks that the refusal left every row of
 * the tenants byte-for-byte as it was and wrote no audit row.
 */
export async function refusedWithoutChange(db: TestDatabase, tenantIds: string[], call: () => Promise<unknown>, code: ErrorCode): Promise<DomainError> {
  const before = await dbSnapshot(db, tenantIds);
  const audits = await auditCount(db, tenantIds);
  const err = await refused(call(), code);
  expect(await auditCount(db, tenantIds)).toBe(audits);
  expect(await dbSnapshot(db, tenantIds)).toEqual(before);
  return err;
}

export { makeCustomer, makeTenant, makeUnit, makeUser };
