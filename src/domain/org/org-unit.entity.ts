import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { newId } from '../shared/ids';

/**
 * A node of the org tree. `idPath` is the materialised path of ids ("/root/child/") so that a
 * subtree is one indexed prefix match; `namePath` ("Sales/East/Shanghai") is what admins type.
 */
export const OrgUnit = defineEntity({
  name: 'OrgUnit',
  tableName: 'org_units',
  uniques: [{ properties: ['tenantId', 'namePath'] }],
  indexes: [{ properties: ['tenantId', 'idPath'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid(),
    parentId: p.uuid().nullable(),
    name: p.string().length(100),
    namePath: p.text(),
    idPath: p.text(),
    managerId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type OrgUnit = InferEntity<typeof OrgUnit>;
