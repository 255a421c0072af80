import { User } from '../domain/org/user.entity';
import { dueReport } from '../domain/report-subscriptions/report-schedule';
import { ReportSubscription } from '../domain/report-subscriptions/report-subscription.entity';
import { defineJob, scheduleJobOptions } from './job-definition';
import { reportPostJob } from './report-post.job';

/** The report every manager gets by default (a DM) unless they subscribed a channel to a weekly one. */
export const defaultManagerReport = { period: 'weekly', localTime: '09:00' } as const;

/**
 * Every few minutes, from a BullMQ job scheduler: queues each subscription's report once its
 * period has ended and its local time has come, and each manager's default weekly report on
 * Monday at 09:00 in their own time zone. The post's key is the subscription (or manager) and the
 * period covered, so later ticks in the catch-up window add nothing.
 */
export const reportTickJob = defineJob<{ manual?: string }>({
  name: 'report-tick',
  queue: 'schedules',
  jobId: (d) => `report-tick.${d.manual ?? 'manual'}`,
  options: scheduleJobOptions,
  async handle(_data, { em, queues, clock }) {
    const now = clock.now();
    const subscriptions = await em.find(ReportSubscription, {});
    const owners = new Map((await em.find(User, { id: { $in: subscriptions.map((s) => s.ownerId) }, active: true })).map((u) => [u.id, u]));
    let queued = 0;
    for (const sub of subscriptions) {
      const due = dueReport(sub.period, sub.localTime, sub.timezone, now);
      if (!due || !owners.has(sub.ownerId)) continue;
      await queues.add(reportPostJob, {
        tenantId: sub.tenantId,
        requesterId: sub.ownerId,
        scope: sub.scope,
        period: sub.period,
        at: due.coveredAt.toISOString(),
        timezone: sub.timezone,
        to: { channelId: sub.channelId },
        key: `subscription.${sub.id}.${due.periodKey}`,
      });
      queued++;
    }
    const withWeekly = new Set(subscriptions.filter((s) => s.period === 'weekly').map((s) => s.ownerId));
    const managers = await em.find(User, { role: 'manager', active: true });
    for (const manager of managers) {
      if (withWeekly.has(manager.id)) continue;
      const due = dueReport(defaultManagerReport.period, defaultManagerReport.localTime, manager.timezone, now);
      if (!due) continue;
      await queues.add(reportPostJob, {
        tenantId: manager.tenantId,
        requesterId: manager.id,
        scope: 'team',
        period: defaultManagerReport.period,
        at: due.coveredAt.toISOString(),
        timezone: manager.timezone,
        to: { userId: manager.id },
        key: `manager.${manager.id}.${due.periodKey}`,
      });
      queued++;
    }
    return `${queued} reports queued`;
  },
});
