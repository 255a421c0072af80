import type { User } from '../../domain/org/user.entity';
import type { Translate } from '../i18n/i18n';

/** Who a card is written for: their language (a translator) and their settings. Bots and jobs alike pass one. */
export type Reader = { t: Translate; user: User };
