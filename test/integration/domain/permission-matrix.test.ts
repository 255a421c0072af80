import type { EntityManager } from '@mikro-orm/postgresql';
import { cancelVisit } from '../../../src/domain/activities/cancel-visit';
import { loadInteraction } from '../../../src/domain/activities/interaction-access';
import { Interaction } from '../../../src/domain/activities/interaction.entity';
import { recordOutcome } from '../../../src/domain/activities/record-outcome';
import { rescheduleVisit } from '../../../src/domain/activities/reschedule-visit';
import { AuditEntry } from '../../../src/domain/audit/audit-entry.entity';
import { Customer } from '../../../src/domain/customers/customer.entity';
import { getCustomerView } from '../../../src/domain/customers/get-customer-view';
import { updateCustomer } from '../../../src/domain/customers/update-customer';
import { moveOpportunityStage } from '../../../src/domain/opportunities/move-opportunity-stage';
import { loadOpportunity } from '../../../src/domain/opportunities/opportunity-access';
import { Opportunity } from '../../../src/domain/opportunities/opportunity.entity';
import { StageChange } from '../../../src/domain/opportunities/stage-change.entity';
import { updateOpportunity } from '../../../src/domain/opportunities/update-opportunity';
import { User, type Role } from '../../../src/domain/org/user.entity';
import { resolveAccess } from '../../../src/domain/shared/access';
import { userActor, type Actor } from '../../../src/domain/shared/actor';
import { DomainError } from '../../../src/domain/shared/domain-error';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { day, makeCustomer, makeOpportunity, makeOrgWorld, makeVisit, refusedWithoutChange, type OrgWorld } from './domain-world';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

type Kind = 'customer' | 'interaction' | 'opportunity';
type Position = 'own' | 'same unit' | 'sub-unit' | 'other subtree' | 'other tenant' | 'public pool';
type Expect = 'ok' | 'forbidden' | 'not_found';

/**
 * The rules written out by hand, one row per (actor, position of the record's owner/author):
 *   own           — the actor's own record
 *   same unit     — a colleague's record in Sales/East (the manager's own unit)
 *   sub-unit      — a rep's record in Sales/East/Shanghai, below the manager
 *   other subtree — a rep's record in the sibling unit Sales/West
 *   other tenant  — a record of another company
 *   public pool   — an unowned customer (customers only)
 */
// prettier-ignore
const table: Array<[Role, Position, { customer: [Expect, Expect]; interaction?: [Expect, Expect]; opportunity?: [Expect, Expect] }]> = [
  //  actor      record            customer read/write          interaction read/write       opportunity read/write
  ['rep',     'own',           { customer: ['ok', 'ok'],               interaction: ['ok', 'ok'],               opportunity: ['ok', 'ok'] }],
  ['rep',     'same unit',     { customer: ['forbidden', 'forbidden'], interaction: ['forbidden', 'forbidden'], opportunity: ['forbidden', 'forbidden'] }],
  ['rep',     'sub-unit',      { customer: ['forbidden', 'forbidden'], interaction: ['forbidden', 'forbidden'], opportunity: ['forbidden', 'forbidden'] }],
  ['rep',     'other subtree', { customer: ['forbidden', 'forbidden'], interaction: ['forbidden', 'forbidden'], opportunity: ['forbidden', 'forbidden'] }],
  ['rep',     'other tenant',  { customer: ['not_found', 'not_found'], interaction: ['not_found', 'not_found'], opportunity: ['not_found', 'not_found'] }],
  ['rep',     'public pool',   { customer: ['ok', 'forbidden'] }],
  ['manager', 'own',           { customer: ['ok', 'ok'],               interaction: ['ok', 'ok'],               opportunity: ['ok', 'ok'] }],
  ['manager', 'same unit',     { customer: ['ok', 'ok'],               interaction: ['ok', 'ok'],               opportunity: ['ok', 'ok'] }],
  ['manager', 'sub-unit',      { customer: ['ok', 'ok'],               interaction: ['ok', 'ok'],               opportunity: ['ok', 'ok'] }],
  ['manager', 'other subtree', { customer: ['forbidden', 'forbidden'], interaction: ['forbidden', 'forbidden'], opportunity: ['forbidden', 'forbidden'] }],
  ['manager', 'other tenant',  { customer: ['not_found', 'not_found'], interaction: ['not_found', 'not_found'], opportunity: ['not_found', 'not_found'] }],
  ['manager', 'public pool',   { customer: ['ok', 'ok'] }],
  ['admin',   'own',           { customer: ['ok', 'ok'],               interaction: ['ok', 'ok'],               opportunity: ['ok', 'ok'] }],
  ['admin',   'same unit',     { customer: ['ok', 'ok'],               interaction: ['ok', 'ok'],               opportunity: ['ok', 'ok'] }],
  ['admin',   'sub-unit',      { customer: ['ok', 'ok'],               interaction: ['ok', 'ok'],               opportunity: ['ok', 'ok'] }],
  ['admin',   'other subtree', { customer: ['ok', 'ok'],               interaction: ['ok', 'ok'],               opportunity: ['ok', 'ok'] }],
  ['admin',   'other tenant',  { customer: ['not_found', 'not_found'], interaction: ['not_found', 'not_found'], opportunity: ['not_found', 'not_found'] }],
  ['admin',   'public pool',   { customer: ['ok', 'ok'] }],
];

type Target = { customer: Customer; visit: Interaction; opportunity: Opportunity };
type OpContext = { em: EntityManager; actor: Actor; target: Target };
type Operation = {
  name: string;
  kind: Kind;
  access: 'read' | 'write';
  run: (c: OpContext) => Promise<unknown>;
  /** For allowed calls: what must be true afterwards. */
  check: (c: OpContext & { result: unknown; actorUser: User; world: OrgWorld; expectedWrite: Expect }) => Promise<void>;
};

async function expectAudit(world: OrgWorld, entityId: string, action: string, actorUser: User) {
  const rows = await db.em().find(AuditEntry, { tenantId: world.tenant.id, entityId }, { orderBy: { id: 'asc' } });
  expect(rows.map((r) => [r.action, r.actorUserId])).toEqual([[action, actorUser.id]]);
}

const operations: Operation[] = [
  {
    name: 'getCustomerView', kind: 'customer', access: 'read',
    run: ({ em, actor, target }) => getCustomerView(em, actor, target.customer.id),
    check: async ({ result, target, expectedWrite }) => {
      const view = result as Awaited<ReturnType<typeof getCustomerView>>;
      expect(view.customer.id).toBe(target.customer.id);
      // The card's edit button must agree with what a write would do.
      expect(view.canEdit).toBe(expectedWrite === 'ok');
    },
  },
  {
    name: 'updateCustomer', kind: 'customer', access: 'write',
    run: ({ em, actor, target }) => updateCustomer(em, actor, target.customer.id, { region: 'Changed' }),
    check: async ({ target, actorUser, world }) => {
      expect((await db.em().findOneOrFail(Customer, { id: target.customer.id })).region).toBe('Changed');
      await expectAudit(world, target.customer.id, 'customer.update', actorUser);
    },
  },
  {
    name: 'loadInteraction(read)', kind: 'interaction', access: 'read',
    run: async ({ em, actor, target }) => loadInteraction(em, await resolveAccess(em, actor), target.visit.id, 'read'),
    check: async ({ result, target }) => expect((result as Interaction).id).toBe(target.visit.id),
  },
  {
    name: 'recordOutcome', kind: 'interaction', access: 'write',
    run: ({ em, actor, target }) => recordOutcome(em, actor, target.visit.id, { outcome: 'met', notes: 'signed' }),
    check: async ({ target, actorUser, world }) => {
      expect(await db.em().findOneOrFail(Interaction, { id: target.visit.id })).toMatchObject({ status: 'done', outcome: 'met', notes: 'signed' });
      await expectAudit(world, target.visit.id, 'interaction.outcome', actorUser);
    },
  },
  {
    name: 'rescheduleVisit', kind: 'interaction', access: 'write',
    run: ({ em, actor, target }) => rescheduleVisit(em, actor, target.visit.id, new Date(target.visit.scheduledAt!.getTime() + day)),
    check: async ({ target, actorUser, world }) => {
      const after = await db.em().findOneOrFail(Interaction, { id: target.visit.id });
      expect(after.scheduledAt!.getTime()).toBe(target.visit.scheduledAt!.getTime() + day);
      await expectAudit(world, target.visit.id, 'interaction.reschedule', actorUser);
    },
  },
  {
    name: 'cancelVisit', kind: 'interaction', access: 'write',
    run: ({ em, actor, target }) => cancelVisit(em, actor, target.visit.id),
    check: async ({ target, actorUser, world }) => {
      expect((await db.em().findOneOrFail(Interaction, { id: target.visit.id })).status).toBe('cancelled');
      await expectAudit(world, target.visit.id, 'interaction.cancel', actorUser);
    },
  },
  {
    name: 'loadOpportunity(read)', kind: 'opportunity', access: 'read',
    run: async ({ em, actor, target }) => loadOpportunity(em, await resolveAccess(em, actor), target.opportunity.id, 'read'),
    check: async ({ result, target }) => expect((result as Opportunity).id).toBe(target.opportunity.id),
  },
  {
    name: 'updateOpportunity', kind: 'opportunity', access: 'write',
    run: ({ em, actor, target }) => updateOpportunity(em, actor, target.opportunity.id, { title: 'Changed' }),
    check: async ({ target, actorUser, world }) => {
      expect((await db.em().findOneOrFail(Opportunity, { id: target.opportunity.id })).title).toBe('Changed');
      await expectAudit(world, target.opportunity.id, 'opportunity.update', actorUser);
    },
  },
  {
    name: 'moveOpportunityStage', kind: 'opportunity', access: 'write',
    run: ({ em, actor, target }) => moveOpportunityStage(em, actor, target.opportunity.id, { to: 'solution' }),
    check: async ({ target, actorUser, world }) => {
      expect((await db.em().findOneOrFail(Opportunity, { id: target.opportunity.id })).stage).toBe('solution');
      const history = await db.em().find(StageChange, { opportunityId: target.opportunity.id }, { orderBy: { changedAt: 'asc' } });
      expect(history.map((h) => [h.fromStage, h.toStage])).toEqual([[null, 'initial_contact'], ['initial_contact', 'solution']]);
      await expectAudit(world, target.opportunity.id, 'opportunity.stage.solution', actorUser);
    },
  },
];

const actorOf = (world: OrgWorld, role: Role) => (role === 'rep' ? world.repA : role === 'manager' ? world.manager : world.admin);

function ownerOf(world: OrgWorld, role: Role, position: Position): { user: User | null; tenant: OrgWorld['tenant'] } {
  switch (position) {
    case 'own': return { user: actorOf(world, role).user, tenant: world.tenant };
    case 'same unit': return { user: world.repB.user, tenant: world.tenant };
    case 'sub-unit': return { user: world.repSub.user, tenant: world.tenant };
    case 'other subtree': return { user: world.repW.user, tenant: world.tenant };
    case 'other tenant': return { user: world.foreignRep.user, tenant: world.otherTenant };
    case 'public pool': return { user: null, tenant: world.tenant };
  }
}

type Cell = { actor: Role; position: Position; kind: Kind; op: string; expected: Expect; expectedWrite: Expect };
const cells: Cell[] = table.flatMap(([actor, position, row]) =>
  operations.flatMap((op) => {
    const pair = row[op.kind];
    if (!pair) return [];
    return [{ actor, position, kind: op.kind, op: op.name, expected: op.access === 'read' ? pair[0] : pair[1], expectedWrite: pair[1] }];
  }),
);

test('the no-change check itself fails when a refused call wrote something', async () => {
  const world = await makeOrgWorld(db);
  const customer = await makeCustomer(world.em, world.tenant, world.repB.user, 'Leaky Co');
  const leaky = async () => {
    await db.em().nativeUpdate(Customer, { id: customer.id }, { region: 'leaked' });
    throw new DomainError('forbidden', 'refused, but too late', { reason: 'not_yours' });
  };
  await expect(refusedWithoutChange(db, [world.tenant.id], leaky, 'forbidden')).rejects.toThrow();
});

test('the matrix covers every actor × position × operation it should', () => {
  expect(cells).toHaveLength(3 * 5 * operations.length + 3 * 2);
});

test.each(cells)('$actor → $position $kind: $op is $expected', async ({ actor: role, position, op: opName, expected, expectedWrite }) => {
  const world = await makeOrgWorld(db);
  const { em } = world;
  const owner = ownerOf(world, role, position);
  const customer = await makeCustomer(em, owner.tenant, owner.user, `Matrix customer ${position}`);
  // Visits and deals of a pool customer are tested as cross cases below.
  const author = owner.user ?? world.repB.user;
  const target: Target = {
    customer,
    visit: await makeVisit(em, owner.tenant, author, customer),
    opportunity: await makeOpportunity(em, owner.tenant, author, customer),
  };
  const actorUser = actorOf(world, role);
  const op = operations.find((o) => o.name === opName)!;
  const context = { em: db.em(), actor: actorUser.actor, target };

  if (expected === 'ok') {
    const result = await op.run(context);
    await op.check({ ...context, result, actorUser: actorUser.user, world, expectedWrite });
  } else {
    await refusedWithoutChange(db, [world.tenant.id, world.otherTenant.id], () => op.run({ ...context, em: db.em() }), expected);
  }
});

/**
 * Records whose author/owner and customer owner differ: reading follows either, writing only the
 * author (visits) or the deal owner (opportunities).
 */
type CrossCell = { name: string; actor: Role; author: (w: OrgWorld) => User; customerOwner: (w: OrgWorld) => User | null; read: Expect; write: Expect };
// prettier-ignore
const crossCells: CrossCell[] = [
  { name: "colleague's record on the rep's own customer",            actor: 'rep',     author: (w) => w.repB.user, customerOwner: (w) => w.repA.user,   read: 'ok',        write: 'forbidden' },
  { name: "rep's own record on a colleague's customer",              actor: 'rep',     author: (w) => w.repA.user, customerOwner: (w) => w.repB.user,   read: 'ok',        write: 'ok' },
  { name: "colleague's record on a public-pool customer",            actor: 'rep',     author: (w) => w.repB.user, customerOwner: () => null,           read: 'forbidden', write: 'forbidden' },
  { name: "rep's own record on a public-pool customer",              actor: 'rep',     author: (w) => w.repA.user, customerOwner: () => null,           read: 'ok',        write: 'ok' },
  { name: 'other-subtree record on a sub-unit customer',             actor: 'manager', author: (w) => w.repW.user, customerOwner: (w) => w.repSub.user, read: 'ok',        write: 'forbidden' },
  { name: 'sub-unit record on an other-subtree customer',            actor: 'manager', author: (w) => w.repSub.user, customerOwner: (w) => w.repW.user, read: 'ok',        write: 'ok' },
  { name: 'other-subtree record on a public-pool customer',          actor: 'manager', author: (w) => w.repW.user, customerOwner: () => null,           read: 'forbidden', write: 'forbidden' },
];
const crossOps = operations.filter((o) => o.kind !== 'customer');
const crossTable = crossCells.flatMap((c) => crossOps.map((op) => ({ ...c, op: op.name, expected: op.access === 'read' ? c.read : c.write })));

test.each(crossTable)('$actor → $name: $op is $expected', async ({ actor: role, author, customerOwner, op: opName, expected }) => {
  const world = await makeOrgWorld(db);
  const { em } = world;
  const customer = await makeCustomer(em, world.tenant, customerOwner(world), 'Cross customer');
  const target: Target = {
    customer,
    visit: await makeVisit(em, world.tenant, author(world), customer),
    opportunity: await makeOpportunity(em, world.tenant, author(world), customer),
  };
  const actorUser = actorOf(world, role);
  const op = operations.find((o) => o.name === opName)!;
  const context = { em: db.em(), actor: actorUser.actor, target };
  if (expected === 'ok') {
    const result = await op.run(context);
    await op.check({ ...context, result, actorUser: actorUser.user, world, expectedWrite: 'ok' });
  } else {
    await refusedWithoutChange(db, [world.tenant.id], () => op.run(context), expected);
  }
});

describe('the actor handed in by a bot is not trusted', () => {
  test('a role claimed by the caller is ignored: the role is re-read from the database', async () => {
    const world = await makeOrgWorld(db);
    const colleagues = await makeCustomer(world.em, world.tenant, world.repB.user, 'Bob’s customer');
    const posingAsAdmin = userActor(world.tenant.id, world.repA.user.id, 'admin');
    await refusedWithoutChange(db, [world.tenant.id], () => updateCustomer(db.em(), posingAsAdmin, colleagues.id, { region: 'X' }), 'forbidden');
    await refusedWithoutChange(db, [world.tenant.id], () => getCustomerView(db.em(), posingAsAdmin, colleagues.id), 'forbidden');
  });

  test('a user id paired with another tenant is refused before anything is read or written', async () => {
    const world = await makeOrgWorld(db);
    const foreignCustomer = await makeCustomer(world.em, world.otherTenant, world.foreignRep.user, 'Foreign Co');
    const forged = userActor(world.otherTenant.id, world.admin.user.id, 'admin');
    const err = await refusedWithoutChange(db, [world.tenant.id, world.otherTenant.id], () => updateCustomer(db.em(), forged, foreignCustomer.id, { region: 'X' }), 'forbidden');
    expect(err.details).toMatchObject({ reason: 'unknown_user' });
    await refusedWithoutChange(db, [world.tenant.id, world.otherTenant.id], () => getCustomerView(db.em(), forged, foreignCustomer.id), 'forbidden');
  });

  test('a deactivated user can do nothing, even to their own records', async () => {
    const world = await makeOrgWorld(db);
    const own = await makeCustomer(world.em, world.tenant, world.repA.user, 'Own Co');
    await db.em().nativeUpdate(User, { id: world.repA.user.id }, { active: false });
    await refusedWithoutChange(db, [world.tenant.id], () => updateCustomer(db.em(), world.repA.actor, own.id, { region: 'X' }), 'forbidden');
    await refusedWithoutChange(db, [world.tenant.id], () => getCustomerView(db.em(), world.repA.actor, own.id), 'forbidden');
  });

  test('a malformed id is not_found, not a database error', async () => {
    const world = await makeOrgWorld(db);
    await refusedWithoutChange(db, [world.tenant.id], () => updateCustomer(db.em(), world.admin.actor, 'not-a-uuid', { region: 'X' }), 'not_found');
    await refusedWithoutChange(db, [world.tenant.id], () => cancelVisit(db.em(), world.admin.actor, "1' or '1'='1"), 'not_found');
    await refusedWithoutChange(db, [world.tenant.id], () => updateOpportunity(db.em(), world.admin.actor, '00000000-0000-0000-0000-000000000000', { title: 'X' }), 'not_found');
  });
});
