import { DateTime } from 'luxon';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { resolveAccess } from '../domain/shared/access';
import { systemActor } from '../domain/shared/actor';
import type { CommandContext } from './context';
import { streamCsvFile, type RowError } from './csv';
import { describeImport, emptyResult, type ImportArgs, type ImportResult } from './import-result';
import { orderColumns, readOrderLine, type BadLineRow, type OrderLineRow } from './order-rows';
import { resolveTenant } from './resolve-tenant';

export { orderColumns };

/** Orders are what `created`, `updated`, `unchanged` and `skipped` count; `rows` counts lines. */
export type OrderImportResult = ImportResult & {
  linesSkipped: number;
  customersCreated: number;
  productsCreated: number;
  /** Stored products without a category that got the one the file gives. */
  productsCategorised: number;
  /** Who owns orders whose owner_email is not a user (not errors: the orders are imported). */
  notes: string[];
};

// Lines per staging INSERT (one JSON parameter): larger batches save no time and only make more garbage.
const batchSize = 500;

type Sql = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * Imports order history: one CSV line per order line, the lines of one `order_id` become one won
 * deal (closed at 00:00 on `order_date` in the tenant's time zone) with its lines, its own region
 * and its order id, so that a re-import updates the deal and replaces its lines instead of adding
 * another. Unknown customers and SKUs are created. All or nothing unless `skipInvalid`, which
 * leaves out whole orders (never some of an order's lines: its amount would be wrong).
 *
 * The file is streamed into a temporary table inside the transaction, a few hundred lines at a
 * time, and everything after that — checks between lines, matching stored customers, products
 * and deals, writing — is set-based SQL: memory stays flat and 100,000 lines take seconds.
 */
export async function importOrders(
  em: EntityManager,
  tenantSlug: string | undefined,
  file: string | { text: string },
  opts: { skipInvalid?: boolean; now?: Date } = {},
): Promise<OrderImportResult> {
  return em.transactional(async (tx) => {
    const tenant = await resolveTenant(tx, tenantSlug);
    const access = await resolveAccess(tx, systemActor(tenant.id, 'cli'));
    const sql: Sql = (text, params = []) => tx.execute(text, params);
    // The staging batches go as a real bind parameter: `execute` would first copy each one into
    // the SQL text, escaped, and at 100,000 lines those copies are most of what the import allocates.
    const bound = async (text: string, params: unknown[]) => {
      await (tx.getTransactionContext() as Knex.Transaction).raw(text, params as Knex.RawBinding[]);
    };
    const t = tenant.id;
    const zone = tenant.defaultTimezone;
    // Two imports into one tenant at once would both create the same new customers and orders.
    await sql(`select pg_advisory_xact_lock(hashtext(?))`, [`sfa import orders ${t}`]);

    // ---- 1. Stream the file into a staging table, checking each line on its own. ----------------
    await sql(`create temp table import_order_lines (
      line int primary key, ok boolean not null, bad boolean not null default false, order_id varchar(100),
      order_date date, customer text, search_name text, owner_email text, region text,
      sku text, product_name text, product_search_name text, category text,
      quantity numeric(14,3), unit_price numeric(14,2), discount numeric(14,2), amount numeric(14,2), currency char(3),
      line_no int) on commit drop`);
    const errors: RowError[] = [];
    const today = DateTime.fromJSDate(opts.now ?? new Date(), { zone }).toISODate()!;
    let batch: Array<OrderLineRow | BadLineRow> = [];
    let rows = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await bound(
        `insert into import_order_lines (line, ok, order_id, order_date, customer, search_name, owner_email, region, sku, product_name,
                                         product_search_name, category, quantity, unit_price, discount, amount, currency)
         select line, ok, order_id, order_date, customer, search_name, owner_email, region, sku, product_name,
                product_search_name, category, quantity, unit_price, discount, amount, currency
           from jsonb_to_recordset(?::jsonb) as x(line int, ok boolean, order_id text, order_date date, customer text, search_name text,
                owner_email text, region text, sku text, product_name text, product_search_name text, category text,
                quantity numeric, unit_price numeric, discount numeric, amount numeric, currency text)`,
        [JSON.stringify(batch)],
      );
      batch = [];
    };
    for await (const item of streamCsvFile(file, orderColumns)) {
      rows++;
      if ('reason' in item) {
        errors.push(item);
        batch.push({ line: item.line, ok: false, order_id: null });
      } else {
        const { row, problems } = readOrderLine(item, today);
        errors.push(...problems.map((reason) => ({ line: item.line, reason })));
        batch.push(row);
      }
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await sql(`create index on import_order_lines (order_id, line)`);
    await sql(`analyze import_order_lines`);

    // ---- 2. Lines against each other and against what is stored. ----------------------------------
    errors.push(...(await disagreeingLines(sql)));
    errors.push(...(await ambiguousCustomers(sql, t)));
    errors.push(...(await oversizedOrders(sql)));
    const admin = (await sql(`select id, name, email from users where tenant_id = ? and role = 'admin' and active order by created_at, id limit 1`, [t]))[0] as
      | { id: string; name: string; email: string | null }
      | undefined;
    errors.push(...(await resolveOrders(sql, t, zone, admin?.id ?? null)));
    errors.push(...(await linesOfLeftOutOrders(sql)));

    const result: OrderImportResult = {
      ...emptyResult(tenant.slug, rows, errors),
      linesSkipped: new Set(errors.map((e) => e.line)).size,
      customersCreated: 0,
      productsCreated: 0,
      productsCategorised: 0,
      notes: await ownerNotes(sql, tenant.slug, admin),
    };
    if (errors.length > 0 && !opts.skipInvalid) return result;
    result.skipped = Number((await sql(`select count(distinct s.order_id)::int as n from import_order_lines s where s.order_id is not null and not exists (select 1 from import_orders o where o.order_id = s.order_id)`))[0]!.n);

    // ---- 3. Write: customers, products, deals with their history and lines, audit rows. -------------
    const audit = (action: string, type: string) => `insert into audit_log (tenant_id, actor_user_id, actor_label, action, entity_type, entity_id, before, after, at)
      select ${lit(t)}, ${access.userId ? lit(access.userId) : 'null'}, ${lit(access.label.slice(0, 100))}, '${action}', '${type}', x.id::text, x.before, x.after, now()`;

    result.customersCreated = Number((await sql(`with c as (
        insert into customers (id, tenant_id, name, search_name, region, owner_id, created_by, created_at, updated_at)
        select id, ?, name, search_name, region, owner_id, null, created_at, now() from import_customers
        returning id, tenant_id, name, search_name, region, owner_id, created_at)
      , a as (${audit('customer.create', 'customer')} from (select c.id, null::jsonb as before,
          jsonb_build_object('id', c.id, 'tenantId', c.tenant_id, 'name', c.name, 'searchName', c.search_name, 'region', c.region,
                             'ownerId', c.owner_id, 'createdBy', null, 'createdAt', c.created_at) as after from c) x)
      select count(*)::int as n from c`, [t]))[0]!.n);
    await sql(`update import_orders o set customer_id = c.id from import_customers c where o.customer_id is null and c.search_name = o.search_name`);

    await sql(`create temp table import_skus on commit drop as
      select s.sku, (array_agg(s.product_name order by s.line))[1] as name, (array_agg(s.product_search_name order by s.line))[1] as search_name,
             (array_agg(s.category order by s.line) filter (where s.category is not null))[1] as category,
             (array_agg(coalesce(s.unit_price, round(s.amount / s.quantity, 2)) order by s.line))[1] as list_price,
             (array_agg(s.currency order by s.line))[1] as currency, null::uuid as product_id, false as is_new
        from import_order_lines s join import_orders o on o.order_id = s.order_id group by s.sku`);
    await sql(`update import_skus k set product_id = p.id from products p where p.tenant_id = ? and upper(p.sku) = k.sku`, [t]);
    await sql(`update import_skus set product_id = gen_random_uuid(), is_new = true where product_id is null`);
    result.productsCreated = Number((await sql(`with p as (
        insert into products (id, tenant_id, sku, name, search_name, category, list_price, currency, active, created_at, updated_at)
        select k.product_id, ?, k.sku, k.name, k.search_name, k.category, k.list_price, k.currency, true, now(), now()
          from import_skus k where k.is_new
        returning id, tenant_id, sku, name, search_name, category, list_price, currency, active)
      , a as (${audit('product.create', 'product')} from (select p.id, null::jsonb as before,
          jsonb_build_object('id', p.id, 'tenantId', p.tenant_id, 'sku', p.sku, 'name', p.name, 'searchName', p.search_name, 'category', p.category,
                             'listPrice', p.list_price::text, 'currency', p.currency, 'active', p.active) as after from p) x)
      select count(*)::int as n from p`, [t]))[0]!.n);
    // A stored product without a category gets the file's (the products import has no such column).
    result.productsCategorised = Number((await sql(`with p as (
        update products p set category = k.category, updated_at = now() from import_skus k
         where p.id = k.product_id and p.category is null and k.category is not null and p.tenant_id = ?
        returning p.id, p.category)
      , a as (${audit('product.update', 'product')} from (select p.id, jsonb_build_object('category', null) as before, jsonb_build_object('category', p.category) as after from p) x)
      select count(*)::int as n from p`, [t]))[0]!.n);

    // Each line's place in its order, and a fingerprint of the order's lines to tell a re-import that changes nothing.
    await sql(`update import_order_lines s set line_no = x.n
                 from (select line, row_number() over (partition by order_id order by line)::int as n from import_order_lines
                        where order_id in (select order_id from import_orders)) x where x.line = s.line`);
    const fingerprint = (alias: string, product: string) =>
      `md5(string_agg(concat_ws('|', ${alias}.line_no, ${alias}.sku, ${alias}.name, coalesce(${alias}.category, ''), ${alias}.quantity, coalesce(${alias}.unit_price::text, ''),
               coalesce(${alias}.discount::text, ''), ${alias}.amount, ${alias}.currency, coalesce(${product}::text, '')), E'\\n' order by ${alias}.line_no))`;
    await sql(`update import_orders o set lines_fingerprint = x.f
                 from (select s.order_id, ${fingerprint('s', 'k.product_id')} as f
                         from (select order_id, line_no, sku, product_name as name, category, quantity, unit_price, discount, amount, currency from import_order_lines) s
                         join import_skus k on k.sku = s.sku
                        where s.order_id in (select order_id from import_orders) group by s.order_id) x
                where x.order_id = o.order_id`);
    await sql(`update import_orders o set opportunity_id = d.id, stored_stage = d.stage,
                      changed = (d.customer_id, d.owner_id, d.title, d.amount, d.currency, d.region, d.closed_at, d.stage, d.expected_close_date)
                                is distinct from (o.customer_id, o.owner_id, 'Order ' || o.order_id, o.amount, o.currency, o.region, o.closed_at, 'won', o.order_date)
                                or o.lines_fingerprint is distinct from
                                   (select ${fingerprint('l', 'l.product_id')} from order_lines l where l.opportunity_id = d.id)
                 from opportunities d where d.tenant_id = ? and d.source_order_id = o.order_id`, [t]);
    await sql(`update import_orders set opportunity_id = gen_random_uuid(), is_new = true where opportunity_id is null`);

    const dealSnapshot = (d: string) => `jsonb_build_object('id', ${d}.id, 'sourceOrderId', ${d}.source_order_id, 'title', ${d}.title, 'customerId', ${d}.customer_id,
      'ownerId', ${d}.owner_id, 'amount', ${d}.amount::text, 'currency', ${d}.currency, 'region', ${d}.region, 'stage', ${d}.stage, 'closedAt', ${d}.closed_at,
      'lines', (select count(*) from order_lines l where l.opportunity_id = ${d}.id))`;
    result.created = Number((await sql(`with d as (
        insert into opportunities (id, tenant_id, customer_id, owner_id, title, amount, currency, expected_close_date, stage, stage_changed_at,
                                   probability, closed_at, region, source_order_id, created_at, updated_at)
        select opportunity_id, ?, customer_id, owner_id, 'Order ' || order_id, amount, currency, order_date, 'won', closed_at,
               100, closed_at, region, order_id, closed_at, now()
          from import_orders where is_new
        returning id)
      select count(*)::int as n from d`, [t]))[0]!.n);
    await sql(`insert into opportunity_stage_changes (id, tenant_id, opportunity_id, from_stage, to_stage, changed_by, note, changed_at)
               select gen_random_uuid(), ?, opportunity_id, null, 'won', null, 'imported from order ' || order_id, closed_at
                 from import_orders where is_new`, [t]);

    // Changed deals: their before image, for the audit, taken before they are updated and their lines replaced.
    await sql(`create temp table import_before on commit drop as
               select d.id, ${dealSnapshot('d')} as snap from opportunities d join import_orders o on o.opportunity_id = d.id where o.changed`);
    result.updated = Number((await sql(`with d as (
        update opportunities d set customer_id = o.customer_id, owner_id = o.owner_id, title = 'Order ' || o.order_id, amount = o.amount,
               currency = o.currency, region = o.region, expected_close_date = o.order_date, stage = 'won', probability = 100, lost_reason = null,
               closed_at = o.closed_at, created_at = o.closed_at,
               stage_changed_at = case when d.stage = 'won' then o.closed_at else now() end,
               -- History is stamped with the owner's unit when the deal closes (a trigger); a new owner brings theirs.
               closed_unit_id = case when d.owner_id = o.owner_id then d.closed_unit_id else (select org_unit_id from users where id = o.owner_id) end,
               updated_at = now()
          from import_orders o where o.opportunity_id = d.id and o.changed
        returning d.id)
      select count(*)::int as n from d`))[0]!.n);
    // The import's own history row moves with the order date; a deal moved out of won since gets a move back.
    await sql(`update opportunity_stage_changes sc set changed_at = o.closed_at
                 from import_orders o
                where o.changed and o.stored_stage = 'won' and sc.opportunity_id = o.opportunity_id and sc.from_stage is null and sc.to_stage = 'won'`);
    await sql(`insert into opportunity_stage_changes (id, tenant_id, opportunity_id, from_stage, to_stage, changed_by, note, changed_at)
               select gen_random_uuid(), ?, opportunity_id, stored_stage, 'won', null, 're-imported from order ' || order_id, now()
                 from import_orders where changed and stored_stage <> 'won'`, [t]);
    await sql(`delete from order_lines where opportunity_id in (select opportunity_id from import_orders where changed)`);
    await sql(`insert into order_lines (id, tenant_id, opportunity_id, line_no, product_id, sku, name, category, quantity, unit_price, discount, amount, currency)
               select gen_random_uuid(), ?, o.opportunity_id, s.line_no, k.product_id, s.sku, s.product_name, s.category, s.quantity, s.unit_price, s.discount, s.amount, s.currency
                 from import_order_lines s join import_orders o on o.order_id = s.order_id join import_skus k on k.sku = s.sku
                where o.is_new or o.changed`, [t]);
    await sql(`${audit('opportunity.create', 'opportunity')} from (select d.id, null::jsonb as before, ${dealSnapshot('d')} as after
                 from opportunities d join import_orders o on o.opportunity_id = d.id where o.is_new) x`);
    await sql(`${audit('opportunity.update', 'opportunity')} from (select d.id, b.snap as before, ${dealSnapshot('d')} as after
                 from opportunities d join import_before b on b.id = d.id) x`);

    result.unchanged = Number((await sql(`select count(*)::int as n from import_orders where not is_new and not changed`))[0]!.n);
    // A large import changes the tables' sizes at once: a report asked for right after should not
    // be planned on the counts from before (autovacuum catches up, but only later).
    if (result.created + result.updated >= 1000) {
      for (const table of ['opportunities', 'opportunity_stage_changes', 'order_lines', 'customers', 'products']) await sql(`analyze "${table}"`);
    }
    result.imported = true;
    return result;
  });
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The lines of an order share its date, customer, owner, currency and region: each line that does not is named with what differs. */
async function disagreeingLines(sql: Sql): Promise<RowError[]> {
  const fields = ['order_date', 'customer', 'owner_email', 'currency', 'region'] as const;
  const rows = (await sql(`update import_order_lines s set bad = true
      from (select distinct on (order_id) order_id, line, order_date, search_name, customer, owner_email, currency, region
              from import_order_lines where ok order by order_id, line) f
     where s.ok and s.order_id = f.order_id and s.line <> f.line
       and (s.order_date, s.search_name, s.owner_email, s.currency, s.region) is distinct from (f.order_date, f.search_name, f.owner_email, f.currency, f.region)
    returning s.line, s.order_id, f.line as first_line,
              s.order_date::text as order_date, f.order_date::text as first_order_date, s.search_name <> f.search_name as customer_differs,
              s.customer, f.customer as first_customer, s.owner_email, f.owner_email as first_owner_email,
              s.currency::text as currency, f.currency::text as first_currency, s.region, f.region as first_region`)) as Array<Record<string, string | number | boolean | null>>;
  const shown = (v: unknown) => (v === null || v === '' ? '(empty)' : String(v));
  return rows.map((r) => {
    const differ = fields.filter((f) => (f === 'customer' ? r.customer_differs : r[f] !== r[`first_${f}`]));
    const what = differ.map((f) => `${f} ${shown(r[f])}, not ${shown(r[`first_${f}`])}`).join('; ');
    return { line: Number(r.line), reason: `order ${r.order_id} has ${what} as on its line ${r.first_line} (every line of an order has the same order_date, customer, owner_email, currency and region)` };
  });
}

/** Two stored customers whose names fold to the line's customer: the order cannot tell which one bought. */
async function ambiguousCustomers(sql: Sql, tenantId: string): Promise<RowError[]> {
  const rows = await sql(`update import_order_lines s set bad = true
      from (select search_name, count(*)::int as n from customers
             where tenant_id = ? and search_name in (select search_name from import_order_lines where ok)
             group by search_name having count(*) > 1) c
     where s.ok and c.search_name = s.search_name
    returning s.line, s.customer, c.n`, [tenantId]);
  return rows.map((r) => ({ line: Number(r.line), reason: `${r.n} customers named "${r.customer}" already exist: cannot tell which one placed this order` }));
}

/** A deal's amount is numeric(14,2): an order's lines may not add up to more. */
async function oversizedOrders(sql: Sql): Promise<RowError[]> {
  const rows = await sql(`update import_order_lines s set bad = true
      from (select order_id, min(line) as line, sum(amount)::text as total from import_order_lines where ok group by order_id having sum(amount) > 999999999999.99) t
     where s.line = t.line
    returning s.line, s.order_id, t.total`);
  return rows.map((r) => ({ line: Number(r.line), reason: `order ${r.order_id} adds up to ${r.total}, more than a deal can hold (999999999999.99)` }));
}

/**
 * The orders whose every line is good, with their customer (stored, or created from the order:
 * the name and region of its first order, owned by the last order's owner if that is an active
 * user, else in the public pool) and their deal's owner: the owner_email's user (active or not:
 * history belongs to who sold it), else the customer's owner, else the tenant's first admin.
 */
async function resolveOrders(sql: Sql, tenantId: string, zone: string, adminId: string | null): Promise<RowError[]> {
  await sql(`create temp table import_orders on commit drop as
    select f.order_id, f.line as first_line, f.order_date, f.customer, f.search_name, f.owner_email, f.region, f.currency, t.amount, t.n_lines,
           (f.order_date::timestamp at time zone ?) as closed_at,
           null::uuid as customer_id, null::uuid as customer_owner_id, null::uuid as owner_user_id, null::uuid as owner_id, null::text as owner_source,
           null::uuid as opportunity_id, null::text as stored_stage, null::text as lines_fingerprint, false as is_new, false as changed
      from (select distinct on (order_id) * from import_order_lines where order_id is not null order by order_id, line) f
      join (select order_id, sum(amount) as amount, count(*)::int as n_lines from import_order_lines
             where order_id is not null group by order_id having bool_and(ok and not bad)) t on t.order_id = f.order_id`, [zone]);
  await sql(`create unique index on import_orders (order_id)`);
  await sql(`analyze import_orders`);
  await sql(`update import_orders o set customer_id = c.id, customer_owner_id = c.owner_id from customers c where c.tenant_id = ? and c.search_name = o.search_name`, [tenantId]);
  await sql(`update import_orders o set owner_user_id = u.id from users u where u.tenant_id = ? and u.email = o.owner_email`, [tenantId]);

  await sql(`create temp table import_customers on commit drop as
    select distinct on (search_name) gen_random_uuid() as id, search_name, customer as name, region, closed_at as created_at, null::uuid as owner_id
      from import_orders where customer_id is null order by search_name, order_date, first_line`);
  await sql(`update import_customers c set owner_id = x.user_id
      from (select distinct on (o.search_name) o.search_name, u.id as user_id
              from import_orders o join users u on u.id = o.owner_user_id and u.active
             where o.customer_id is null order by o.search_name, o.order_date desc, o.first_line desc) x
     where x.search_name = c.search_name`);
  await sql(`update import_orders o set customer_owner_id = c.owner_id from import_customers c where o.customer_id is null and c.search_name = o.search_name`);
  await sql(`update import_orders set owner_id = coalesce(owner_user_id, customer_owner_id, ?::uuid),
                    owner_source = case when owner_user_id is not null then 'email' when customer_owner_id is not null then 'customer' when ?::uuid is not null then 'admin' end`,
    [adminId, adminId]);

  const ownerless = await sql(`delete from import_orders where owner_id is null returning first_line, order_id, owner_email`);
  if (ownerless.length > 0) {
    await sql(`update import_order_lines set bad = true where line = any(?::int[])`, [`{${ownerless.map((r) => r.first_line).join(',')}}`]);
    await sql(`delete from import_customers c where not exists (select 1 from import_orders o where o.search_name = c.search_name)`);
  }
  return ownerless.map((r) => ({
    line: Number(r.first_line),
    reason: `nobody can own order ${r.order_id}: ${r.owner_email ? `owner_email ${r.owner_email} is not a user` : 'owner_email is empty'}, the customer has no owner and the tenant has no active admin (import users first)`,
  }));
}

/** Lines that are fine themselves but belong to an order that is left out: an order is imported whole or not at all. */
async function linesOfLeftOutOrders(sql: Sql): Promise<RowError[]> {
  const rows = await sql(`select s.line, s.order_id, b.lines
      from import_order_lines s
      join (select order_id, array_agg(line order by line) filter (where not ok or bad) as lines from import_order_lines
             where order_id is not null group by order_id having bool_or(not ok or bad)) b on b.order_id = s.order_id
     where s.ok and not s.bad order by s.line`);
  return rows.map((r) => {
    const lines = r.lines as number[];
    const named = lines.length > 3 ? `${lines.slice(0, 3).join(', ')} …` : lines.join(', ');
    return { line: Number(r.line), reason: `order ${r.order_id} has errors on line${lines.length > 1 ? 's' : ''} ${named} (an order is imported whole or not at all)` };
  });
}

/** One sentence per owner_email that is not a user, saying who owns its orders instead. */
async function ownerNotes(sql: Sql, slug: string, admin: { name: string; email: string | null } | undefined): Promise<string[]> {
  const rows = await sql(`select owner_email, owner_source, count(*)::int as n, min(first_line) as first_line from import_orders
     where owner_source <> 'email' group by owner_email, owner_source order by min(first_line)`);
  const byEmail = new Map<string | null, { first: number; parts: string[] }>();
  for (const r of rows) {
    const email = r.owner_email as string | null;
    const entry = byEmail.get(email) ?? { first: Number(r.first_line), parts: [] };
    const n = Number(r.n);
    const whom = r.owner_source === 'customer' ? "the customer's owner" : `${admin?.name ?? 'the admin'}${admin?.email ? ` <${admin.email}>` : ''}, the tenant's first admin (the customer has no owner)`;
    entry.parts.push(`${n} order${n === 1 ? '' : 's'} to ${whom}`);
    byEmail.set(email, entry);
  }
  return [...byEmail.entries()].map(([email, { first, parts }]) =>
    `${email ? `owner_email ${email} is not a user of tenant ${slug}` : 'owner_email is empty'} (first on line ${first}): ${parts.join(', ')}`,
  );
}

/** `sfa import orders <file>`: streams the file; bad lines, notes on owners, then the summary. */
export async function importOrdersCommand(ctx: CommandContext, args: ImportArgs): Promise<number> {
  const started = Date.now();
  const result = await importOrders(ctx.orm.em.fork(), args.tenant, args.file, { skipInvalid: args.skipInvalid });
  const { errors, summary } = describeImport('orders', result);
  errors.forEach((line) => ctx.err(line));
  if (result.imported) result.notes.forEach((note) => ctx.err(`note: ${note}`));
  ctx.out(summary);
  if (result.imported) {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    ctx.out(
      `lines: ${result.rows} read, ${result.linesSkipped} skipped; customers: ${result.customersCreated} created; products: ${result.productsCreated} created` +
        `${result.productsCategorised > 0 ? `, ${result.productsCategorised} given a category` : ''} (${seconds} s)`,
    );
  }
  return result.imported ? 0 : 1;
}
