import type { VisitReminderPayload } from '../domain/activities/visit-reminders';
import { Interaction } from '../domain/activities/interaction.entity';
import { Customer } from '../domain/customers/customer.entity';
import { User } from '../domain/org/user.entity';
import { visitReminderCard } from '../cards/presenters/reminder-card';
import { translator } from '../cards/i18n/i18n';
import { defineJob, deliveryJobOptions } from './job-definition';

export type VisitReminderData = VisitReminderPayload & { tenantId: string; outboxId: string };

/**
 * The DM before a planned visit. The visit is re-read: if it was moved, cancelled or done since
 * this job was queued, or the user changed their lead time, a newer job (or none) is the right
 * one and this one does nothing.
 */
export const visitReminderJob = defineJob<VisitReminderData>({
  name: 'visit-reminder',
  queue: 'deliveries',
  jobId: (d) => `visit-reminder.${d.visitId}.${d.outboxId}`,
  options: deliveryJobOptions,
  async handle(data, { em, notifier, clock }) {
    const visit = await em.findOne(Interaction, { id: data.visitId, tenantId: data.tenantId });
    if (!visit || visit.status !== 'planned' || visit.scheduledAt?.toISOString() !== data.scheduledAt) return 'skipped: visit changed';
    const now = clock.now();
    if (visit.scheduledAt <= now) return 'skipped: visit already started';
    const user = await em.findOne(User, { id: visit.userId, active: true });
    if (!user) return 'skipped: user inactive';
    if (user.reminderLeadMinutes !== data.leadMinutes) return 'skipped: lead time changed';
    const customer = await em.findOne(Customer, { id: visit.customerId });
    const card = visitReminderCard({ visit, customerName: customer?.name ?? '?', now }, { t: translator(user.locale), user });
    const result = await notifier.sendDirect({
      tenantId: visit.tenantId,
      userId: user.id,
      card,
      // One reminder per visit time, however many jobs (moves back and forth, lead changes) point at it.
      idempotencyKey: `visit-reminder.${visit.id}.${visit.scheduledAt.getTime()}`,
      kind: 'visit_reminder',
    });
    return result.status;
  },
});
