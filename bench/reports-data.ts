import type { EntityManager } from '@mikro-orm/postgresql';

export type ReportDataShape = { managers: number; repsPerManager: number; customersPerRep?: number; interactions: number; opportunities: number };

/**
 * Fills one new tenant for the report benchmark in SQL (generate_series), in seconds rather than
 * hours: a root unit and a unit per manager with its reps, customers per rep, interactions and
 * opportunities spread over the last two years (opportunities: ~30 % won, ~20 % lost with a reason,
 * the rest open, each with its stage history), and each customer's last interaction kept as the visit use cases keep it.
 * `customersPerRep` defaults to 20.
 */
export async function generateReportData(em: EntityManager, shape: ReportDataShape): Promise<{ tenantId: string; managerIds: string[] }> {
  // One transaction, one connection: the temporary table below lives on it.
  return em.transactional(async (tx) => fill(tx, shape));
}

async function fill(tx: EntityManager, shape: ReportDataShape): Promise<{ tenantId: string; managerIds: string[] }> {
  const run = (sql: string, params: unknown[] = []): Promise<any[]> => tx.execute(sql, params); // eslint-disable-line @typescript-eslint/no-explicit-any
  const [{ id: tenantId }] = await run(`insert into tenants (id, slug, name, slack_team_id, default_timezone, default_currency, created_at)
    values (gen_random_uuid(), 'bench-' || substr(md5(random()::text), 1, 8), 'Bench Co', 'TREPORTS', 'Asia/Shanghai', 'USD', now()) returning id`);
  const [{ id: rootId }] = await run(`insert into org_units (id, tenant_id, name, name_path, id_path, created_at) values (gen_random_uuid(), ?, 'Sales', 'Sales', '', now()) returning id`, [tenantId]);
  await run(`update org_units set id_path = '/' || id || '/' where id = ?`, [rootId]);
  await run(
    `insert into org_units (id, tenant_id, parent_id, name, name_path, id_path, created_at)
     select gen_random_uuid(), ?, ?, 'Team ' || g, 'Sales/Team ' || g, '', now() from generate_series(1, ?) g`,
    [tenantId, rootId, shape.managers],
  );
  await run(`update org_units set id_path = '/' || ? || '/' || id || '/' where parent_id = ?`, [rootId, rootId]);
  await run(
    `insert into users (id, tenant_id, email, name, role, org_unit_id, timezone, slack_team_id, slack_user_id, created_at, updated_at)
     select gen_random_uuid(), ?, 'manager' || n || '@bench.test', 'Manager ' || n, 'manager', id, 'Asia/Shanghai', 'TREPORTS', 'UMGR' || n, now(), now()
       from (select id, row_number() over (order by name) as n from org_units where parent_id = ?) u`,
    [tenantId, rootId],
  );
  await run(`update org_units o set manager_id = u.id from users u where u.org_unit_id = o.id and u.role = 'manager' and o.tenant_id = ?`, [tenantId]);
  await run(
    `insert into users (id, tenant_id, email, name, role, org_unit_id, timezone, created_at, updated_at)
     select gen_random_uuid(), ?, 'rep' || u.n || '-' || g || '@bench.test', 'Rep ' || u.n || '-' || g, 'rep', u.id, 'Asia/Shanghai', now(), now()
       from (select id, row_number() over (order by name) as n from org_units where parent_id = ?) u, generate_series(1, ?) g`,
    [tenantId, rootId, shape.repsPerManager],
  );
  await run(
    `insert into customers (id, tenant_id, name, search_name, owner_id, region, created_at, updated_at)
     select gen_random_uuid(), ?, 'Customer ' || r.n || '-' || g, 'customer ' || r.n || '-' || g, r.id,
            (array['East','West','North','South','华东','华南','华北','西部'])[1 + (r.n + g) % 8],
            now() - (random() * interval '730 days'), now()
       from (select id, row_number() over (order by id) as n from users where tenant_id = ? and role = 'rep') r, generate_series(1, ?) g`,
    [tenantId, tenantId, shape.customersPerRep ?? 20],
  );
  await run(`create temporary table bench_customers as select row_number() over (order by id) - 1 as rn, id, owner_id from customers where tenant_id = ?`, [tenantId]);
  const [{ n: customerCount }] = await run(`select count(*)::int as n from bench_customers`);
  await run(
    `insert into interactions (id, tenant_id, customer_id, user_id, type, status, occurred_at, scheduled_at, notes, created_at, updated_at)
     select gen_random_uuid(), ?, c.id, c.owner_id, 'visit', case when g % 10 = 0 then 'planned' else 'done' end,
            t, case when g % 10 = 0 then t else null end, 'bench visit', t, t
       from (select g, now() - (random() * interval '730 days') as t from generate_series(1, ?) g) s
       join bench_customers c on c.rn = s.g % ?`,
    [tenantId, shape.interactions, customerCount],
  );
  await run(
    `insert into opportunities (id, tenant_id, customer_id, owner_id, title, amount, currency, stage, stage_changed_at, probability, closed_at, lost_reason, created_at, updated_at)
     select gen_random_uuid(), ?, c.id, c.owner_id, 'Deal ' || g, round((1000 + random() * 99000)::numeric, 2), 'USD',
            case when g % 10 < 3 then 'won' when g % 10 < 5 then 'lost' else (array['initial_contact','solution','quote','negotiation'])[1 + g % 4] end,
            t, 50, case when g % 10 < 5 then t else null end, case when g % 10 between 3 and 4 then (array['price', 'competitor', 'budget cut', 'timing', 'no decision'])[1 + (g / 10) % 5] else null end, t, t
       from (select g, now() - (random() * interval '730 days') as t from generate_series(1, ?) g) s
       join bench_customers c on c.rn = (s.g * 7) % ?`,
    [tenantId, shape.opportunities, customerCount],
  );
  // Stage history as the use cases write it: each deal opened (closed ones at the quote stage), then closed.
  await run(
    `insert into opportunity_stage_changes (id, tenant_id, opportunity_id, from_stage, to_stage, changed_at)
     select gen_random_uuid(), tenant_id, id, null, case when stage in ('won', 'lost') then 'quote' else stage end, created_at - interval '10 days'
       from opportunities where tenant_id = ?`,
    [tenantId],
  );
  await run(
    `insert into opportunity_stage_changes (id, tenant_id, opportunity_id, from_stage, to_stage, changed_at)
     select gen_random_uuid(), tenant_id, id, 'quote', stage, closed_at from opportunities where tenant_id = ? and stage in ('won', 'lost')`,
    [tenantId],
  );
  await run(
    `update customers c set last_interaction_at = i.last from (
       select customer_id, max(occurred_at) as last from interactions where tenant_id = ? and status = 'done' group by customer_id) i
      where c.id = i.customer_id`,
    [tenantId],
  );
  await run(`drop table bench_customers`);
  await run(`analyze`);
  const managers: Array<{ id: string }> = await run(`select id from users where tenant_id = ? and role = 'manager' order by name`, [tenantId]);
  return { tenantId, managerIds: managers.map((m) => m.id) };
}
