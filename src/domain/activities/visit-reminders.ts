import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import type { User } from '../org/user.entity';
import { writeOutbox } from '../outbox/write-outbox';
import { knownZoneOr } from '../shared/time-zone';
import type { Interaction } from './interaction.entity';

export const maxReminderLeadMinutes = 1440;
/** Follow-up reminders arrive at this local hour on the follow-up date. */
export const followUpHour = 9;

export type VisitReminderPayload = { visitId: string; userId: string; scheduledAt: string; leadMinutes: number };
export type FollowUpReminderPayload = { visitId: string; userId: string; date: string };

export const reminderDueAt = (scheduledAt: Date, leadMinutes: number): Date => new Date(scheduledAt.getTime() - leadMinutes * 60_000);

/** 09:00 on the date in the user's time zone; null when that date is already over there. */
export function followUpDueAt(date: string, timezone: string, now: Date): Date | null {
  const zone = knownZoneOr(timezone);
  const due = DateTime.fromISO(date, { zone }).set({ hour: followUpHour, minute: 0, second: 0, millisecond: 0 });
  if (!due.isValid) return null;
  if (due.toMillis() > now.getTime()) return due.toJSDate();
  // Logged at 15:00 with "follow up today": remind now rather than never.
  return due.toISODate() === DateTime.fromJSDate(now, { zone }).toISODate() ? now : null;
}

/**
 * Records (in the caller's transaction) that the visit's reminder is due at scheduledAt minus the
 * user's lead time — or right away when that moment has passed but the visit has not started (a
 * visit planned 10 minutes ahead with a 30-minute lead). A later row for the same visit supersedes
 * this one, so rescheduling just calls this again.
 */
export function scheduleVisitReminder(em: EntityManager, visit: Interaction, user: User, now = new Date()): void {
  if (!visit.scheduledAt || visit.scheduledAt.getTime() <= now.getTime()) {
    cancelVisitReminder(em, visit);
    return;
  }
  const dueAt = new Date(Math.max(reminderDueAt(visit.scheduledAt, user.reminderLeadMinutes).getTime(), now.getTime()));
  const payload: VisitReminderPayload = { visitId: visit.id, userId: visit.userId, scheduledAt: visit.scheduledAt.toISOString(), leadMinutes: user.reminderLeadMinutes };
  writeOutbox(em, { tenantId: visit.tenantId, topic: 'visit.reminder', aggregateId: visit.id, action: 'schedule', dueAt, payload });
}

export function cancelVisitReminder(em: EntityManager, visit: Interaction): void {
  writeOutbox(em, { tenantId: visit.tenantId, topic: 'visit.reminder', aggregateId: visit.id, action: 'cancel' });
}

/** The follow-up date of an outcome becomes a reminder at 09:00 that day, the user's time. */
export function scheduleFollowUpReminder(em: EntityManager, visit: Interaction, user: User, now = new Date()): void {
  const dueAt = visit.followUpDate ? followUpDueAt(visit.followUpDate, user.timezone, now) : null;
  if (!dueAt) {
    writeOutbox(em, { tenantId: visit.tenantId, topic: 'visit.follow_up', aggregateId: visit.id, action: 'cancel' });
    return;
  }
  const payload: FollowUpReminderPayload = { visitId: visit.id, userId: visit.userId, date: visit.followUpDate! };
  writeOutbox(em, { tenantId: visit.tenantId, topic: 'visit.follow_up', aggregateId: visit.id, action: 'schedule', dueAt, payload });
}
