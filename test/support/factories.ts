import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../../src/domain/customers/customer.entity';
import { searchNameOf } from '../../src/domain/customers/customer-access';
import { ensurePath } from '../../src/domain/org/ensure-org-unit-path';
import type { OrgUnit } from '../../src/domain/org/org-unit.entity';
import { User, type Role } from '../../src/domain/org/user.entity';
import { resolveAccess } from '../../src/domain/shared/access';
import { systemActor, userActor, type UserActor } from '../../src/domain/shared/actor';
import { Tenant } from '../../src/domain/tenants/tenant.entity';

let counter = 0;
const next = () => ++counter;

export async function makeTenant(em: EntityManager, slug = `t${next()}`, extra: Partial<Tenant> = {}): Promise<Tenant> {
  const tenant = em.create(Tenant, { slug, name: `Tenant ${slug}`, ...extra } as Tenant);
  await em.flush();
  return tenant;
}

export async function makeUnit(em: EntityManager, tenant: Tenant, path: string): Promise<OrgUnit> {
  const access = await resolveAccess(em, systemActor(tenant.id, 'test'));
  const unit = await ensurePath(em, access, path.split('/'));
  await em.flush();
  return unit;
}

export async function makeUser(
  em: EntityManager,
  tenant: Tenant,
  opts: { role?: Role; unit?: OrgUnit | null; name?: string; manages?: boolean; slackUserId?: string; locale?: string; timezone?: string } = {},
): Promise<{ user: User; actor: UserActor }> {
  const n = next();
  const user = em.create(User, {
    tenantId: tenant.id,
    email: `user${n}@example.com`,
    name: opts.name ?? `User ${n}`,
    role: opts.role ?? 'rep',
    orgUnitId: opts.unit?.id ?? null,
    slackUserId: opts.slackUserId ?? null,
    locale: opts.locale ?? 'en',
    timezone: opts.timezone ?? 'UTC',
  } as User);
  await em.flush();
  if (opts.manages && opts.unit) {
    opts.unit.managerId = user.id;
    await em.flush();
  }
  return { user, actor: userActor(tenant.id, user.id, user.role) };
}

export async function makeCustomer(em: EntityManager, tenant: Tenant, owner: User | null, name = `Customer ${next()}`, extra: Partial<Customer> = {}): Promise<Customer> {
  const customer = em.create(Customer, { tenantId: tenant.id, name, searchName: searchNameOf(name), ownerId: owner?.id ?? null, ...extra } as Customer);
  await em.flush();
  return customer;
}
