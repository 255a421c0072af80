import type { EntityManager } from '@mikro-orm/postgresql';
import { OrgUnit } from './org-unit.entity';
import { User } from './user.entity';

/**
 * Whom to ask about records owned outside one's reach: the nearest manager up each owner's unit,
 * else an admin. Names only, never ids.
 */
export async function whoToAsk(em: EntityManager, tenantId: string, ownerIds: string[]): Promise<string[]> {
  const names = new Set<string>();
  const owners = await em.find(User, { tenantId, id: { $in: [...new Set(ownerIds)].slice(0, 10) } });
  for (const owner of owners) {
    let unitId = owner.orgUnitId;
    let found: string | null = null;
    for (let depth = 0; unitId && !found && depth < 50; depth++) {
      const unit = await em.findOne(OrgUnit, { id: unitId, tenantId });
      if (!unit) break;
      if (unit.managerId && unit.managerId !== owner.id) {
        const manager = await em.findOne(User, { id: unit.managerId, tenantId, active: true });
        if (manager) found = manager.name;
      }
      unitId = unit.parentId;
    }
    if (found) names.add(found);
  }
  if (names.size === 0) {
    const admin = await em.findOne(User, { tenantId, role: 'admin', active: true }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    if (admin) names.add(admin.name);
  }
  return [...names];
}
