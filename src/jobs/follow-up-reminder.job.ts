import type { FollowUpReminderPayload } from '../domain/activities/visit-reminders';
import { Interaction } from '../domain/activities/interaction.entity';
import { Customer } from '../domain/customers/customer.entity';
import { User } from '../domain/org/user.entity';
import { followUpReminderCard } from '../cards/presenters/reminder-card';
import { translator } from '../cards/i18n/i18n';
import { defineJob, deliveryJobOptions } from './job-definition';

export type FollowUpReminderData = FollowUpReminderPayload & { tenantId: string; outboxId: string };

/** 09:00 on an outcome's follow-up date; nothing if the date was changed since. */
export const followUpReminderJob = defineJob<FollowUpReminderData>({
  name: 'follow-up-reminder',
  queue: 'deliveries',
  jobId: (d) => `follow-up.${d.visitId}.${d.outboxId}`,
  options: deliveryJobOptions,
  async handle(data, { em, notifier }) {
    const visit = await em.findOne(Interaction, { id: data.visitId, tenantId: data.tenantId });
    if (!visit || visit.status !== 'done' || visit.followUpDate !== data.date) return 'skipped: follow-up changed';
    const user = await em.findOne(User, { id: visit.userId, active: true });
    if (!user) return 'skipped: user inactive';
    const customer = await em.findOne(Customer, { id: visit.customerId });
    const card = followUpReminderCard({ visit, customerName: customer?.name ?? '?' }, { t: translator(user.locale), user });
    const result = await notifier.sendDirect({ tenantId: visit.tenantId, userId: user.id, card, idempotencyKey: `follow-up.${visit.id}.${data.date}`, kind: 'follow_up' });
    return result.status;
  },
});
