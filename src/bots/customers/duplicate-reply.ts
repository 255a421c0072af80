import { errorText } from '../../cards/i18n/error-text';
import type { DomainError } from '../../domain/shared/domain-error';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';
import { pickButtons } from './customer-match';
import { encodeCreate, fitsInButton, type Intent } from './intent';

/**
 * A customer like the one being created exists. Those the person may see are offered to pick (or
 * they create anyway); another team's are only named by whom to ask, with no id and no button.
 */
export function duplicateReply(ctx: CommandContext, err: DomainError, name: string, intent: Intent): CommandResult {
  const visible = (err.details.candidates as Array<{ id: string; name: string }> | undefined) ?? [];
  const hidden = Number(err.details.hiddenCount ?? 0);
  const anyway = encodeCreate(name, intent, true);
  return card({
    kind: 'card',
    tone: 'warn',
    text: errorText(err, ctx.t),
    buttons: [
      ...pickButtons(visible, intent),
      ...(hidden === 0 && fitsInButton(anyway) ? [{ label: ctx.t('customer.createAnyway'), action: 'customer.create_anyway' as const, value: anyway }] : []),
    ],
  });
}
