import { wrap, type EntityManager } from '@mikro-orm/postgresql';
import type { Access } from '../shared/access';
import { AuditEntry } from './audit-entry.entity';

/** A plain copy of an entity as it is now, for the audit's before/after columns. */
export function snapshot(entity: object | null | undefined): Record<string, unknown> | null {
  return entity ? JSON.parse(JSON.stringify(wrap(entity).toObject())) : null;
}

/** Queues an audit row in the same unit of work as the change, so both commit or neither does. */
export function recordAudit(
  em: EntityManager,
  access: Access,
  action: string,
  entity: { type: string; id: string },
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): void {
  em.create(AuditEntry, {
    tenantId: access.tenantId,
    actorUserId: access.userId,
    actorLabel: access.label.slice(0, 100),
    action,
    entityType: entity.type,
    entityId: entity.id,
    before,
    after,
  } as AuditEntry);
}
