import type { EntityManager } from '@mikro-orm/postgresql';
import { searchNameOf } from './customer-access';

export type DuplicateCandidate = { id: string; name: string; ownerId: string | null; matchedOn: 'name' | 'phone' | 'email' | 'domain' };

// Shared mailbox domains say nothing about which company someone works for.
export const freeMailDomains: ReadonlySet<string> = new Set(['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'qq.com', '163.com', '126.com', 'sina.com', 'foxmail.com', 'live.com']);

export function domainOf(email?: string | null, website?: string | null): string | null {
  const fromEmail = email?.split('@')[1]?.toLowerCase();
  if (fromEmail && !freeMailDomains.has(fromEmail)) return fromEmail;
  if (!website) return null;
  const host = website.replace(/^[a-z]+:\/\//i, '').split(/[/?#]/)[0]!.toLowerCase().replace(/^www\./, '');
  return host.includes('.') ? host : null;
}

// Scheme, a leading www. and anything after the host: what is left of a website is its domain.
const websiteNoise = '^[a-z]+://|^(?:[a-z]+://)?www\\.|[/?#].*$';

const phoneDigits = (phone?: string | null): string | null => {
  const digits = phone?.replace(/\D/g, '') ?? '';
  return digits.length >= 6 ? digits : null;
};

/** Customers of the whole tenant that look like the same company (same name, phone, email or domain). */
export async function findDuplicateCustomers(
  em: EntityManager,
  tenantId: string,
  probe: { name: string; phone?: string | null; email?: string | null; website?: string | null },
  excludeId?: string,
): Promise<DuplicateCandidate[]> {
  const name = searchNameOf(probe.name);
  const phone = phoneDigits(probe.phone);
  const email = probe.email?.toLowerCase() ?? null;
  const domain = domainOf(probe.email, probe.website);
  const rows: { id: string; name: string; owner_id: string | null; matched_on: DuplicateCandidate['matchedOn'] }[] =
    await em.execute(
      `select id, name, owner_id,
              case when search_name = ? then 'name'
                   when ?::text is not null and regexp_replace(coalesce(phone, ''), '\\D', '', 'g') = ?::text then 'phone'
                   when ?::text is not null and lower(email) = ?::text then 'email'
                   else 'domain' end as matched_on
         from customers
        where tenant_id = ? and (?::uuid is null or id <> ?::uuid)
          and (search_name = ?
               or (?::text is not null and regexp_replace(coalesce(phone, ''), '\\D', '', 'g') = ?::text)
               or (?::text is not null and lower(email) = ?::text)
               or (?::text is not null and (split_part(lower(email), '@', 2) = ?::text
                     or regexp_replace(lower(coalesce(website, '')), ?, '', 'g') = ?::text)))
        order by name limit 5`,
      [name, phone, phone, email, email, tenantId, excludeId ?? null, excludeId ?? null, name, phone, phone, email, email, domain, domain, websiteNoise, domain],
    );
  return rows.map((r) => ({ id: r.id, name: r.name, ownerId: r.owner_id, matchedOn: r.matched_on }));
}
