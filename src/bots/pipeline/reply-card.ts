import type { Translate } from '../../cards/i18n/i18n';
import type { CardModel } from '../../cards/reply-model';
import type { Reply } from './context';

/** A reply where only a message can go (a late answer, a DM): its card, or what stands for it. */
export function replyCard(reply: Reply, t: Translate): CardModel {
  switch (reply.type) {
    case 'card':
      return reply.card;
    case 'done':
      return reply.card ?? { kind: 'card', tone: 'ok', text: t('common.saved') };
    case 'errors':
      return { kind: 'card', tone: 'warn', text: Object.values(reply.errors).join('\n') };
    default:
      // A form (or typeahead, or Home) cannot be shown this late: the command can be sent again.
      return { kind: 'card', tone: 'warn', text: t('errors.outdatedCard') };
  }
}
