import type { EntityManager, EntityName } from '@mikro-orm/postgresql';
import type { MikroORM } from '../db/orm';
import { Interaction } from '../domain/activities/interaction.entity';
import { recordAudit } from '../domain/audit/record-audit';
import { Customer } from '../domain/customers/customer.entity';
import { Opportunity } from '../domain/opportunities/opportunity.entity';
import { OrderLine } from '../domain/opportunities/order-line.entity';
import { StageChange } from '../domain/opportunities/stage-change.entity';
import { Product } from '../domain/products/product.entity';
import { OrgUnit } from '../domain/org/org-unit.entity';
import { User } from '../domain/org/user.entity';
import { resolveAccess } from '../domain/shared/access';
import { systemActor } from '../domain/shared/actor';
import { Tenant } from '../domain/tenants/tenant.entity';
import type { CommandContext } from './context';
import { CliError } from './errors';
import { isValidSlug } from './fields';
import { buildDemoData } from './seed/build-demo';
import { buildDemoOrders } from './seed/demo-orders';

export type SeedSummary = {
  slug: string;
  tenantName: string;
  units: number;
  users: Record<'admin' | 'manager' | 'rep', number>;
  customers: number;
  poolCustomers: number;
  keyAccounts: number;
  interactions: Record<'done' | 'planned' | 'cancelled', number>;
  opportunities: Record<'won' | 'lost' | 'open', number>;
  stageChanges: number;
  /** Orders of the two years before, as imported from the old ERP. */
  importedOrders: number;
  adminEmail: string;
  replaced: boolean;
};

// Rows per INSERT: well under PostgreSQL's 65535 bind parameters for the widest table.
const chunkSize = 1000;

async function insertAll<T extends object>(em: EntityManager, entity: EntityName<T>, rows: T[]): Promise<void> {
  for (let i = 0; i < rows.length; i += chunkSize) await em.insertMany(entity, rows.slice(i, i + chunkSize));
}

/**
 * Creates the demo tenant with two years of history, in one transaction and with bulk inserts
 * (thousands of rows through the unit of work would take far longer). An existing tenant of that
 * slug is refused, or with `reset` deleted (its rows go with it: every tenant foreign key
 * cascades) and seeded again in the same transaction.
 */
export async function seedDemo(em: EntityManager, opts: { slug?: string; reset?: boolean; now?: Date } = {}): Promise<SeedSummary> {
  const slug = (opts.slug ?? 'demo').trim().toLowerCase();
  if (!isValidSlug(slug)) throw new CliError(`tenant slug "${opts.slug}" must be lower-case letters, digits and dashes`);
  const data = buildDemoData({ slug, now: opts.now ?? new Date() });
  const orders = buildDemoOrders(data, opts.now ?? new Date());

  return em.transactional(async (tx) => {
    const existing = await tx.findOne(Tenant, { slug });
    if (existing && !opts.reset) throw new CliError(`tenant ${slug} already exists; use --reset to delete it and seed it again`);
    if (existing) await tx.nativeDelete(Tenant, { id: existing.id });

    await tx.insert(Tenant, data.tenant);
    // Units first without managers: units and users point at each other.
    await insertAll(tx, OrgUnit, data.units.map((u) => ({ ...u, managerId: null })));
    await insertAll(tx, User, data.users);
    for (const unit of data.units.filter((u) => u.managerId)) await tx.nativeUpdate(OrgUnit, { id: unit.id }, { managerId: unit.managerId });
    await insertAll(tx, Customer, data.customers);
    await insertAll(tx, Opportunity, [...data.opportunities, ...orders.opportunities]);
    await insertAll(tx, StageChange, [...data.stageChanges, ...orders.stageChanges]);
    await insertAll(tx, Product, orders.products);
    await insertAll(tx, OrderLine, orders.lines);
    await insertAll(tx, Interaction, data.interactions);

    const count = <T>(rows: T[], test: (row: T) => boolean) => rows.filter(test).length;
    const summary: SeedSummary = {
      slug,
      tenantName: data.tenant.name,
      units: data.units.length,
      users: { admin: count(data.users, (u) => u.role === 'admin'), manager: count(data.users, (u) => u.role === 'manager'), rep: count(data.users, (u) => u.role === 'rep') },
      customers: data.customers.length,
      poolCustomers: count(data.customers, (c) => !c.ownerId),
      keyAccounts: count(data.customers, (c) => c.keyAccount),
      interactions: {
        done: count(data.interactions, (i) => i.status === 'done'),
        planned: count(data.interactions, (i) => i.status === 'planned'),
        cancelled: count(data.interactions, (i) => i.status === 'cancelled'),
      },
      opportunities: {
        won: count(data.opportunities, (o) => o.stage === 'won'),
        lost: count(data.opportunities, (o) => o.stage === 'lost'),
        open: count(data.opportunities, (o) => o.stage !== 'won' && o.stage !== 'lost'),
      },
      stageChanges: data.stageChanges.length,
      importedOrders: orders.opportunities.length,
      adminEmail: data.users.find((u) => u.role === 'admin')!.email!,
      replaced: !!existing,
    };
    const access = await resolveAccess(tx, systemActor(data.tenant.id, 'cli'));
    recordAudit(tx, access, 'tenant.seed_demo', { type: 'tenant', id: data.tenant.id }, null, summary);
    return summary;
  });
}

export async function seedDemoCommand(ctx: CommandContext, args: { slug: string; reset: boolean }): Promise<number> {
  const started = Date.now();
  const s = await seedDemo(ctx.orm.em.fork(), { slug: args.slug, reset: args.reset });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  ctx.out(`${s.replaced ? 'recreated' : 'seeded'} tenant ${s.slug} (${s.tenantName}; CNY, Asia/Shanghai) in ${seconds} s`);
  ctx.out(`  org units: ${s.units}; users: ${s.users.admin + s.users.manager + s.users.rep} (${s.users.admin} admin, ${s.users.manager} managers, ${s.users.rep} reps)`);
  ctx.out(`  customers: ${s.customers} (${s.poolCustomers} in the public pool, ${s.keyAccounts} key accounts)`);
  ctx.out(`  activities: ${s.interactions.done} done, ${s.interactions.planned} planned, ${s.interactions.cancelled} cancelled`);
  ctx.out(`  opportunities: ${s.opportunities.won + s.opportunities.lost + s.opportunities.open} (${s.opportunities.won} won, ${s.opportunities.lost} lost, ${s.opportunities.open} open), ${s.stageChanges} stage changes`);
  ctx.out(`  order history: ${s.importedOrders} orders of the two years before, as from the old ERP`);
  ctx.out(`  admin: ${s.adminEmail} (a chat user with this email is linked to it on first contact)`);
  return 0;
}

/** The demo tenant, seeded when there is none yet (the playgrounds call this on every start). */
export async function ensureDemoTenant(orm: MikroORM, slug = 'demo'): Promise<{ id: string; defaultLocale: string; seeded: boolean }> {
  const db = orm.em.fork().getConnection();
  const find = () => db.execute<Array<{ id: string; default_locale: string }>>(`select id, default_locale from tenants where slug = ?`, [slug]);
  let [tenant] = await find();
  let seeded = false;
  if (!tenant) {
    await seedDemo(orm.em.fork(), { slug });
    seeded = true;
    [tenant] = await find();
  }
  return { id: tenant!.id, defaultLocale: tenant!.default_locale, seeded };
}
