import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../shared/domain-error';
import { isUuid } from '../shared/ids';
import { OrgUnit } from './org-unit.entity';
import { User } from './user.entity';

export async function loadMember(em: EntityManager, tenantId: string, userId: string): Promise<User> {
  const user = isUuid(userId) ? await em.findOne(User, { id: userId, tenantId }) : null;
  if (!user) throw new DomainError('not_found', 'No such user.', { reason: 'user' });
  return user;
}

export async function loadUnit(em: EntityManager, tenantId: string, unitId: string): Promise<OrgUnit> {
  const unit = isUuid(unitId) ? await em.findOne(OrgUnit, { id: unitId, tenantId }) : null;
  if (!unit) throw new DomainError('not_found', 'No such org unit.', { reason: 'org_unit' });
  return unit;
}
