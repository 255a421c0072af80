import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../domain/audit/record-audit';
import { searchNameOf } from '../domain/customers/customer-access';
import { Customer } from '../domain/customers/customer.entity';
import { customerFieldsSchema, type CustomerFields } from '../domain/customers/customer-input';
import { User } from '../domain/org/user.entity';
import { recomputeTenantTiers } from '../domain/customers/recompute-tiers';
import { resolveAccess } from '../domain/shared/access';
import { systemActor } from '../domain/shared/actor';
import { newId } from '../domain/shared/ids';
import type { CommandContext } from './context';
import { flagRepeats, parseCsv, type CsvRow, type RowError } from './csv';
import { emptyResult, runImportCommand, type ImportArgs, type ImportResult } from './import-result';
import { resolveTenant } from './resolve-tenant';

export const customerColumns = {
  required: ['name'],
  optional: ['owner_email', 'region', 'industry', 'size', 'tier', 'phone', 'email', 'address', 'tags', 'external_id'],
} as const;

/** Field names in validation messages are the file's column names. */
const columnOfField: Record<string, string> = { companySize: 'size' };

/** `externalId`: the id signals from other systems name the customer by (unique per tenant). */
type CustomerRow = { line: number; searchName: string; ownerEmail: string | null; externalId: string | null; fields: CustomerFields };

/** The fields a row sets; empty cells are left out, so they never overwrite a stored value. */
function readCustomerRow({ line, values: v }: CsvRow): { row: CustomerRow | null; problems: string[] } {
  const given = (value: string | undefined) => (value ? value : undefined);
  const tags = v.tags ? [...new Set(v.tags.split(/[;|]/).map((t) => t.trim()).filter(Boolean))] : undefined;
  const input = {
    name: v.name ?? '',
    region: given(v.region),
    industry: given(v.industry),
    companySize: given(v.size),
    tier: given(v.tier?.toUpperCase()),
    phone: given(v.phone),
    email: given(v.email),
    address: given(v.address),
    tags,
  };
  const parsed = customerFieldsSchema.safeParse(input);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => {
        const [field, index] = i.path;
        const column = columnOfField[String(field)] ?? String(field ?? 'row');
        return column === 'tags' && index !== undefined ? `tags: "${tags?.[Number(index)] ?? ''}" ${i.message}` : `${column} ${i.message}`;
      });
  const ownerEmail = v.owner_email ? v.owner_email.toLowerCase() : null;
  const externalId = v.external_id ? v.external_id : null;
  if (externalId && externalId.length > 100) problems.push('external_id must be at most 100 characters');
  if (problems.length > 0 || !parsed.success) return { row: null, problems };
  // Without this the schema's own undefineds would still be keys: "not given" must stay absent.
  const fields = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined && value !== null)) as CustomerFields;
  return { row: { line, searchName: searchNameOf(parsed.data.name), ownerEmail, externalId, fields }, problems };
}

// Not the name: it is what identifies the customer, so "ACME  corp" in a file does not rename "ACME Corp".
const storedFields = ['phone', 'email', 'address', 'region', 'industry', 'companySize', 'tier', 'tags'] as const;

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Imports customers into one tenant, in one transaction. A customer is the same customer when
 * its name is (after folding case, width and spaces); an empty owner_email puts a new customer
 * into the public pool, and an empty cell never clears what is already stored (a re-import must
 * not push every customer a rep has claimed since back into the pool).
 */
export async function importCustomers(em: EntityManager, tenantSlug: string | undefined, csvText: string, opts: { skipInvalid?: boolean } = {}): Promise<ImportResult> {
  const parsed = parseCsv(csvText, customerColumns);
  const errors: RowError[] = [...parsed.errors];
  const rows: CustomerRow[] = [];
  for (const csvRow of parsed.rows) {
    const { row, problems } = readCustomerRow(csvRow);
    errors.push(...problems.map((reason) => ({ line: csvRow.line, reason })));
    if (row) rows.push(row);
  }
  errors.push(...flagRepeats(rows.map((r) => ({ line: r.line, key: r.searchName })), (_k, lines) => `the same customer name appears more than once (lines ${lines.join(', ')})`));
  errors.push(...flagRepeats(rows.map((r) => ({ line: r.line, key: r.externalId })), (k, lines) => `external_id ${k} appears more than once (lines ${lines.join(', ')})`));
  const rowCount = parsed.rows.length + parsed.errors.length;

  return em.transactional(async (tx) => {
    const tenant = await resolveTenant(tx, tenantSlug);
    const access = await resolveAccess(tx, systemActor(tenant.id, 'cli'));

    const ownerEmails = [...new Set(rows.map((r) => r.ownerEmail).filter((e): e is string => !!e))];
    const owners = new Map((await tx.find(User, { tenantId: tenant.id, email: { $in: ownerEmails } })).map((u) => [u.email!, u]));
    const existing = await tx.find(Customer, { tenantId: tenant.id, searchName: { $in: rows.map((r) => r.searchName) } });
    const externalIds = [...new Set(rows.map((r) => r.externalId).filter((e): e is string => !!e))];
    const holders = externalIds.length ? await tx.find(Customer, { tenantId: tenant.id, externalId: { $in: externalIds } }) : [];
    for (const row of rows) {
      if (row.ownerEmail) {
        const owner = owners.get(row.ownerEmail);
        if (!owner) errors.push({ line: row.line, reason: `owner_email ${row.ownerEmail} is not a user of tenant ${tenant.slug} (import users first)` });
        else if (!owner.active) errors.push({ line: row.line, reason: `owner_email ${row.ownerEmail} belongs to a deactivated user` });
      }
      const same = existing.filter((c) => c.searchName === row.searchName);
      if (same.length > 1) errors.push({ line: row.line, reason: `${same.length} customers named "${row.fields.name}" already exist: cannot tell which one to update` });
      const holder = row.externalId ? holders.find((c) => c.externalId === row.externalId) : undefined;
      if (holder && holder.searchName !== row.searchName) errors.push({ line: row.line, reason: `external_id ${row.externalId} already belongs to "${holder.name}"` });
    }

    const badLines = new Set(errors.map((e) => e.line));
    const result = emptyResult(tenant.slug, rowCount, errors);
    if (badLines.size > 0 && !opts.skipInvalid) return result;

    const created: Customer[] = [];
    for (const row of rows.filter((r) => !badLines.has(r.line))) {
      const ownerId = row.ownerEmail ? owners.get(row.ownerEmail)!.id : undefined;
      const customer = existing.find((c) => c.searchName === row.searchName);
      if (!customer) {
        const f = row.fields;
        created.push(tx.create(Customer, {
          id: newId(),
          tenantId: tenant.id,
          name: f.name,
          searchName: row.searchName,
          phone: f.phone ?? null,
          email: f.email ?? null,
          address: f.address ?? null,
          region: f.region ?? null,
          industry: f.industry ?? null,
          companySize: f.companySize ?? null,
          tier: f.tier ?? null,
          tags: f.tags ?? [],
          ownerId: ownerId ?? null,
          externalId: row.externalId,
          createdBy: null,
        } as Customer));
        continue;
      }
      const wanted: Record<string, unknown> = { ...Object.fromEntries(storedFields.filter((k) => k in row.fields).map((k) => [k, row.fields[k]])), ...(ownerId ? { ownerId } : {}), ...(row.externalId ? { externalId: row.externalId } : {}) };
      const changes = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => !sameValue((customer as Record<string, unknown>)[k], v)));
      if (Object.keys(changes).length === 0) {
        result.unchanged++;
        continue;
      }
      const before = snapshot(customer);
      tx.assign(customer, changes as Partial<Customer>);
      recordAudit(tx, access, 'customer.update', { type: 'customer', id: customer.id }, before, snapshot(customer));
      result.updated++;
    }
    await tx.flush();
    for (const customer of created) recordAudit(tx, access, 'customer.create', { type: 'customer', id: customer.id }, null, snapshot(customer));
    await tx.flush();
    // New and changed customers get their tiers from the tenant's rules, if it has any (a tier in
    // the file is then only where a customer starts; `tiers override` pins one).
    if (created.length + result.updated > 0) await recomputeTenantTiers(tx, systemActor(tenant.id, 'cli'), { trigger: 'import' });
    result.created = created.length;
    result.skipped = badLines.size;
    result.imported = true;
    return result;
  });
}

export async function importCustomersCommand(ctx: CommandContext, args: ImportArgs): Promise<number> {
  return (await runImportCommand(ctx, 'customers', args, importCustomers)).code;
}
