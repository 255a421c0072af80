import type { EntityManager } from '@mikro-orm/postgresql';
import { searchNameOf } from '../customers/customer-access';
import { freeMailDomains } from '../customers/find-duplicate-customers';
import type { SignalCustomerRef } from './signal-event.entity';

export const resolutionKinds = ['external_id', 'email', 'domain', 'name', 'ambiguous', 'unknown'] as const;
export type ResolutionKind = (typeof resolutionKinds)[number];
export type Resolution = { customerId: string | null; resolution: ResolutionKind };

/** A reference with each part in the form customers are looked up by; free-mail domains dropped. */
export type NormalRef = { externalId?: string; email?: string; domain?: string; name?: string };

/** "https://www.ACME.com/pricing" → "acme.com"; anything without a dot is no domain. */
export function hostOf(text: string | undefined | null): string | undefined {
  const host = text?.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split(/[/?#:]/)[0]!.replace(/^www\./, '').replace(/\.$/, '');
  return host && host.includes('.') && !/\s/.test(host) ? host : undefined;
}

export function normaliseRef(ref: SignalCustomerRef | null | undefined): NormalRef {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const email = text(ref?.email)?.toLowerCase();
  const domain = hostOf(text(ref?.domain)) ?? hostOf(email?.split('@')[1]);
  const name = text(ref?.name);
  return {
    ...(text(ref?.external_id) ? { externalId: text(ref?.external_id) } : {}),
    ...(email ? { email } : {}),
    ...(domain && !freeMailDomains.has(domain) ? { domain } : {}),
    ...(name ? { name: searchNameOf(name) } : {}),
  };
}

/** Customer ids by looked-up value, per kind of reference. */
export type Lookups = Record<'externalId' | 'email' | 'domain' | 'name', ReadonlyMap<string, readonly string[]>>;

/**
 * Which customer a reference names, pure. Tried in order — external id, email (the customer's or
 * any contact's), domain (given, or the email's when no customer has that email; never a free-mail
 * domain), exact name — the first kind that finds anyone decides: one customer is a match, two or
 * more are ambiguous and the event stays unmatched (a guess would put signals on the wrong account).
 */
export function pickCustomer(ref: NormalRef, lookups: Lookups): Resolution {
  const kinds: Array<[keyof Lookups, ResolutionKind]> = [['externalId', 'external_id'], ['email', 'email'], ['domain', 'domain'], ['name', 'name']];
  for (const [key, kind] of kinds) {
    const value = ref[key];
    if (!value) continue;
    const ids = lookups[key].get(value) ?? [];
    if (ids.length === 1) return { customerId: ids[0]!, resolution: kind };
    if (ids.length > 1) return { customerId: null, resolution: 'ambiguous' };
  }
  return { customerId: null, resolution: 'unknown' };
}

/**
 * Resolves references to customers of one tenant with at most four indexed queries, whatever the
 * number of references (one per kind that some reference uses).
 */
export async function resolveSignalCustomers(em: EntityManager, tenantId: string, refs: Array<SignalCustomerRef | null | undefined>): Promise<Resolution[]> {
  const normal = refs.map(normaliseRef);
  const wanted = (key: keyof NormalRef) => [...new Set(normal.map((r) => r[key]).filter((v): v is string => !!v))];
  const lookup = async (values: string[], sql: string): Promise<Map<string, string[]>> => {
    const found = new Map<string, string[]>();
    if (values.length === 0) return found;
    const rows: Array<{ id: string; k: string }> = await em.execute(sql, [tenantId, values]);
    const asked = new Set(values);
    for (const row of rows) {
      if (!asked.has(row.k)) continue;
      const ids = found.get(row.k) ?? [];
      if (!ids.includes(row.id)) ids.push(row.id);
      found.set(row.k, ids);
    }
    return found;
  };
  const lookups: Lookups = {
    externalId: await lookup(wanted('externalId'), `select id, external_id as k from customers where tenant_id = ? and external_id in (?)`),
    email: await lookup(
      wanted('email'),
      `select id, unnest(sfa_customer_emails(email, contacts)) as k from customers where tenant_id = ? and sfa_customer_emails(email, contacts) && array[?]::text[]`,
    ),
    domain: await lookup(
      wanted('domain'),
      `select id, unnest(sfa_customer_domains(website, email, contacts)) as k from customers where tenant_id = ? and sfa_customer_domains(website, email, contacts) && array[?]::text[]`,
    ),
    name: await lookup(wanted('name'), `select id, search_name as k from customers where tenant_id = ? and search_name in (?)`),
  };
  return normal.map((ref) => pickCustomer(ref, lookups));
}
