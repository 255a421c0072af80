import { formatMoney } from '../../cards/presenters/format';
import { opportunityCard } from '../../cards/presenters/opportunity-card';
import { getCustomerName } from '../../domain/customers/get-customer-name';
import { loadOpportunity } from '../../domain/opportunities/opportunity-access';
import { moveOpportunityStage } from '../../domain/opportunities/move-opportunity-stage';
import type { Stage } from '../../domain/opportunities/opportunity.entity';
import { resolveAccess } from '../../domain/shared/access';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';

export async function showOpportunity(ctx: CommandContext, opportunityId: string, notice?: string, replaceOriginal = false): Promise<CommandResult> {
  const o = await loadOpportunity(ctx.em, await resolveAccess(ctx.em, ctx.actor), opportunityId, 'read');
  const customer = await getCustomerName(ctx.em, ctx.actor, o.customerId);
  return card(opportunityCard(o, customer.name, ctx, notice), replaceOriginal);
}

/**
 * A stage button. Its value says which stage the card showed; if the deal has moved since (a
 * double click, a stale card), nothing changes and the current card comes back.
 */
export async function moveStage(ctx: CommandContext, target: { id: string; shown: Stage; to: Stage; lostReason?: string }): Promise<CommandResult> {
  const { t } = ctx;
  const current = await loadOpportunity(ctx.em, await resolveAccess(ctx.em, ctx.actor), target.id, 'read');
  if (current.stage !== target.shown) return showOpportunity(ctx, target.id, t('errors.stale'), true);
  const moved = await moveOpportunityStage(ctx.em, ctx.actor, target.id, { to: target.to, lostReason: target.lostReason });
  const notice =
    target.to === 'won'
      ? t('opp.won', { title: moved.title, amount: formatMoney(moved.amount, moved.currency, ctx.user.locale) })
      : target.to === 'lost'
        ? t('opp.lost', { title: moved.title, reason: moved.lostReason })
        : t('opp.movedTo', { title: moved.title, stage: t(`opp.stages.${target.to}`) });
  return showOpportunity(ctx, target.id, notice, true);
}
