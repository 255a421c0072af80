import { formatMoney } from '../../cards/presenters/format';
import { opportunityCard } from '../../cards/presenters/opportunity-card';
import { moveAnywayCard } from '../../cards/presenters/deal-guide';
import { getCustomerName } from '../../domain/customers/get-customer-name';
import { checklistFor, uncheckedItems } from '../../domain/opportunities/checklists';
import { getDealGuide } from '../../domain/opportunities/get-deal-guide';
import { loadOpportunity } from '../../domain/opportunities/opportunity-access';
import { moveOpportunityStage } from '../../domain/opportunities/move-opportunity-stage';
import type { Stage } from '../../domain/opportunities/opportunity.entity';
import { resolveAccess } from '../../domain/shared/access';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';

export async function showOpportunity(ctx: CommandContext, opportunityId: string, notice?: string, replaceOriginal = false): Promise<CommandResult> {
  const o = await loadOpportunity(ctx.em, await resolveAccess(ctx.em, ctx.actor), opportunityId, 'read');
  const customer = await getCustomerName(ctx.em, ctx.actor, o.customerId);
  return card(opportunityCard(o, customer.name, ctx, notice, await getDealGuide(ctx.em, o.tenantId)), replaceOriginal);
}

/**
 * A stage button. Its value says which stage the card showed; if the deal has moved since (a
 * double click, a stale card), nothing changes and the current card comes back. Moving on (not
 * losing) with exit-checklist items not ticked asks first: a card listing them with "Move anyway"
 * (`anyway`, which records what was skipped) and "Back". `replace: false` (a button on a message
 * listing several deals, e.g. the stuck-deals digest) answers with new messages and leaves that
 * message alone.
 */
export async function moveStage(ctx: CommandContext, target: { id: string; shown: Stage; to: Stage; lostReason?: string; anyway?: boolean; replace?: boolean }): Promise<CommandResult> {
  const { t } = ctx;
  const replace = target.replace ?? true;
  const current = await loadOpportunity(ctx.em, await resolveAccess(ctx.em, ctx.actor), target.id, 'read');
  if (current.stage !== target.shown) return showOpportunity(ctx, target.id, t('errors.stale'), replace);
  if (!target.anyway && target.to !== 'lost') {
    const unchecked = uncheckedItems(current.checklistTicks, checklistFor((await getDealGuide(ctx.em, current.tenantId)).checklists, current.stage));
    if (unchecked.length > 0) {
      const customer = await getCustomerName(ctx.em, ctx.actor, current.customerId);
      return card(moveAnywayCard(current, customer.name, target.to, unchecked, ctx), replace);
    }
  }
  const moved = await moveOpportunityStage(ctx.em, ctx.actor, target.id, { to: target.to, lostReason: target.lostReason });
  const notice =
    target.to === 'won'
      ? t('opp.won', { title: moved.title, amount: formatMoney(moved.amount, moved.currency, ctx.user.locale) })
      : target.to === 'lost'
        ? t('opp.lost', { title: moved.title, reason: moved.lostReason })
        : t('opp.movedTo', { title: moved.title, stage: t(`opp.stages.${target.to}`) });
  return showOpportunity(ctx, target.id, notice, replace);
}
