import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { requireRole, resolveAccess, type Access } from '../shared/access';
import type { Actor } from '../shared/actor';
import { invalidInput } from '../shared/domain-error';
import { newId } from '../shared/ids';
import { OrgUnit } from './org-unit.entity';

/** "Sales / East/Shanghai " → ["Sales", "East", "Shanghai"]. */
export function splitUnitPath(path: string): string[] {
  const parts = path.split('/').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw invalidInput('An org unit path needs at least one name, e.g. Sales/East.', [{ field: 'path', problem: 'empty', code: 'required' }]);
  const tooLong = parts.find((p) => p.length > 100);
  if (tooLong) throw invalidInput(`Unit name "${tooLong.slice(0, 20)}…" is longer than 100 characters.`, [{ field: 'path', problem: 'too long', code: 'too_long', max: 100 }]);
  return parts;
}

/** Returns the unit at `path`, creating it and any missing parents (admins only). */
export async function ensureOrgUnitPath(em: EntityManager, actor: Actor, path: string): Promise<OrgUnit> {
  const parts = splitUnitPath(path);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'change the org tree');
    return ensurePath(tx, access, parts);
  });
}

export async function ensurePath(em: EntityManager, access: Access, parts: string[]): Promise<OrgUnit> {
  let parent = null as OrgUnit | null;
  for (let i = 0; i < parts.length; i++) {
    const namePath = parts.slice(0, i + 1).join('/');
    let unit: OrgUnit | null = await em.findOne(OrgUnit, { tenantId: access.tenantId, namePath });
    if (!unit) {
      // The id is chosen here, not left to the entity's onCreate hook: that hook only runs at
      // flush, and the materialised path needs the id now ("/undefined/" put every unit of a
      // depth in every manager's subtree).
      const id = newId();
      // Insert-if-absent: two imports creating the same unit at once end with the one row (a
      // plain insert would fail the loser's whole transaction on the unique name path).
      const inserted = await em
        .createQueryBuilder(OrgUnit)
        .insert({ id, tenantId: access.tenantId, parentId: parent?.id ?? null, name: parts[i]!, namePath, idPath: `${parent?.idPath ?? '/'}${id}/`, createdAt: new Date() })
        .onConflict(['tenantId', 'namePath'])
        .ignore()
        .execute('run');
      unit = await em.findOneOrFail(OrgUnit, { tenantId: access.tenantId, namePath });
      if (inserted.affectedRows > 0) recordAudit(em, access, 'org_unit.create', { type: 'org_unit', id: unit.id }, null, snapshot(unit));
    }
    parent = unit;
  }
  return parent!;
}
