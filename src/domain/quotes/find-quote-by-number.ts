import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveAccess } from '../shared/access';
import type { Actor } from '../shared/actor';
import { DomainError } from '../shared/domain-error';
import { loadQuoteView, type QuoteView } from './load-quote-view';
import { Quote } from './quote.entity';

/** A quote by its number (Q-2026-0001), as the actor may see it. */
export async function findQuoteByNumber(em: EntityManager, actor: Actor, number: string): Promise<QuoteView> {
  const access = await resolveAccess(em, actor);
  const quote = /^Q-\d{4}-\d{1,6}$/.test(number) ? await em.findOne(Quote, { tenantId: access.tenantId, number }) : null;
  if (!quote) throw new DomainError('not_found', 'No such quote.', { reason: 'quote' });
  return loadQuoteView(em, actor, quote.id);
}
