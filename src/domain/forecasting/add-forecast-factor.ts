import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/record-audit';
import { requireRole, resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { newId } from '../shared/ids';
import { parseInput } from '../shared/validate';
import { factorColumns, factorScopes, toFactor, type FactorRow, type ForecastFactor } from './forecast-factor';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2027-01');

const schema = z
  .object({
    scope: z.enum(factorScopes),
    scopeValue: z.string().trim().max(200).default(''),
    percent: z
      .string()
      .trim()
      .regex(/^[+-]?\d{1,4}(\.\d{1,2})?$/, 'must be a percentage like +10 or -5.5')
      .refine((p) => Number(p) > -100 && Number(p) <= 1000, 'must be more than -100 % and at most +1000 %'),
    fromMonth: month,
    untilMonth: month.nullish(),
    note: z.string().trim().max(200).default(''),
  })
  .refine((f) => f.scope === 'all' || f.scopeValue.length > 0, { message: 'names no region, product or category', path: ['scopeValue'] })
  .refine((f) => !f.untilMonth || f.untilMonth >= f.fromMonth, { message: 'ends before it starts', path: ['untilMonth'] });
export type AddForecastFactorInput = z.input<typeof schema>;

/** Admins add market factors: planning assumptions the statistics cannot know (a new distributor, a price rise). */
export async function addForecastFactor(em: EntityManager, actor: Actor, input: AddForecastFactorInput): Promise<ForecastFactor> {
  const data = parseInput(schema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'add market factors to the forecast');
    const [row] = await tx.execute<FactorRow[]>(
      `insert into forecast_factors (id, tenant_id, scope, scope_value, percent, from_month, until_month, note, created_by)
       values (?, ?, ?, ?, ?, (? || '-01')::date, (? || '-01')::date, ?, ?) returning ${factorColumns}`,
      [newId(), access.tenantId, data.scope, data.scope === 'all' ? '' : data.scopeValue, data.percent, data.fromMonth, data.untilMonth ?? null, data.note, access.userId],
    );
    const factor = toFactor(row!);
    recordAudit(tx, access, 'forecast.factor.add', { type: 'forecast_factor', id: factor.id }, null, factor);
    return factor;
  });
}
