import { defineEntity, type InferEntity } from '@mikro-orm/core';

/** Append-only: who did what to which record, with the record before and after. */
export const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  indexes: [{ properties: ['tenantId', 'entityType', 'entityId'] }, { properties: ['tenantId', 'at'] }],
  properties: (p) => ({
    id: p.bigint('string').primary().autoincrement(),
    tenantId: p.uuid(),
    /** Null when the change came from the CLI or a job rather than a person. */
    actorUserId: p.uuid().nullable(),
    actorLabel: p.string().length(100),
    action: p.string().length(100),
    entityType: p.string().length(50),
    entityId: p.string().length(64),
    before: p.json<Record<string, unknown>>().nullable(),
    after: p.json<Record<string, unknown>>().nullable(),
    at: p.datetime().onCreate(() => new Date()),
  }),
});
export type AuditEntry = InferEntity<typeof AuditEntry>;
