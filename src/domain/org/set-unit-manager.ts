import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { loadMember, loadUnit } from './load-member';
import type { OrgUnit } from './org-unit.entity';

/** Names the manager of a unit: they see its whole subtree and approve for it. */
export async function setUnitManager(em: EntityManager, actor: Actor, unitId: string, managerId: string | null): Promise<OrgUnit> {
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'name unit managers');
    const unit = await loadUnit(tx, access.tenantId, unitId);
    if (managerId !== null) {
      const manager = await loadMember(tx, access.tenantId, managerId);
      if (manager.role === 'rep') throw new DomainError('conflict', `${manager.name} is a rep: make them a manager first.`, { reason: 'not_manager', name: manager.name });
    }
    const before = snapshot(unit);
    unit.managerId = managerId;
    recordAudit(tx, access, 'org_unit.set_manager', { type: 'org_unit', id: unit.id }, before, snapshot(unit));
    return unit;
  });
}
