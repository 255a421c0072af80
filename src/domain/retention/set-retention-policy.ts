import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { invalidInput } from '../shared/domain-error';
import { loadRetentionPolicies, retentionColumns, type RetentionPolicy } from './load-retention-policies';
import { applyRetentionChange, retentionIssues, retentionKinds, type RetentionChange } from './retention-rules';

/**
 * An admin changes how long the tenant's records are kept. Only the kinds named change (null puts
 * one back on its default); the whole resulting policy must respect every floor, and audit must
 * stay the longest. The tenant's row is locked first, so two admins changing different kinds at
 * once both keep theirs.
 */
export async function setRetentionPolicy(em: EntityManager, actor: Actor, change: RetentionChange): Promise<RetentionPolicy> {
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'change how long records are kept');
    await tx.execute(`select 1 from tenants where id = ? for update`, [access.tenantId]);
    const [current] = await loadRetentionPolicies(tx, { tenantIds: [access.tenantId] });
    if (!current) throw new Error(`tenant ${access.tenantId} does not exist`);
    const next = applyRetentionChange(current.custom, change);
    const issues = retentionIssues(next.days);
    if (issues.length > 0) throw invalidInput(issues.map((i) => i.problem).join('\n'), issues);
    const columns = retentionKinds.map((k) => retentionColumns[k]);
    await tx.execute(
      `insert into retention_policies (tenant_id, ${columns.join(', ')}, updated_at) values (?, ${columns.map(() => '?').join(', ')}, now())
       on conflict (tenant_id) do update set ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}, updated_at = now()`,
      [access.tenantId, ...retentionKinds.map((k) => next.custom[k] ?? null)],
    );
    recordAudit(tx, access, 'retention.set', { type: 'tenant', id: access.tenantId }, { ...current.days }, { ...next.days });
    await tx.flush();
    const [stored] = await loadRetentionPolicies(tx, { tenantIds: [access.tenantId] });
    return stored!;
  });
}
