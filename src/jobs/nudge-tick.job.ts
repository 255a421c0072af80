import { DateTime } from 'luxon';
import { User } from '../domain/org/user.entity';
import { expireQuotes } from '../domain/quotes/advance-quote';
import { knownZoneOr } from '../domain/shared/time-zone';
import { Tenant } from '../domain/tenants/tenant.entity';
import { defineJob, scheduleJobOptions } from './job-definition';
import { churnAlertJob } from './churn-alert.job';
import { forecastRefreshJob } from './forecast-refresh.job';
import { managerSummaryJob } from './manager-summary.job';
import { nudgeScanJob } from './nudge-scan.job';
import { poolReturnJob } from './pool-return.job';
import { tierRecomputeJob } from './tier-recompute.job';

export type NudgeTickData = { hour?: string };

/** A tick missed while no worker ran (a deploy at 09:00) is caught up within this many hours. */
const catchUpHours = 3;

const due = (local: DateTime, hour: number) => local.hour >= hour && local.hour < hour + catchUpHours;

/** Local hour of the nightly tier recompute: after the day's deals, before anyone reads a card. */
export const tierRecomputeHour = 2;

/**
 * Hourly, from a BullMQ job scheduler (one per deployment, however many workers). It only fans
 * out: a scan per tenant whose local time has reached its nudge hour (on the 1st also the
 * tenant's forecast refresh), and on Mondays a summary per
 * manager at that hour in the manager's own time zone. Job ids carry the local day (or week), so a
 * second tick that day adds nothing.
 */
export const nudgeTickJob = defineJob<NudgeTickData>({
  name: 'nudge-tick',
  queue: 'schedules',
  jobId: (d) => `nudge-tick.${d.hour ?? 'manual'}`,
  options: scheduleJobOptions,
  async handle(_data, { em, queues, clock }) {
    const now = clock.now();
    const tenants = await em.find(Tenant, {});
    let scans = 0;
    for (const tenant of tenants) {
      const local = DateTime.fromJSDate(now, { zone: knownZoneOr(tenant.defaultTimezone) });
      if (due(local, tierRecomputeHour)) await queues.add(tierRecomputeJob, { tenantId: tenant.id, date: local.toISODate()! });
      if (!due(local, tenant.nudgeHour)) continue;
      await queues.add(nudgeScanJob, { tenantId: tenant.id, date: local.toISODate()! });
      // The public pool's day (warnings, auto-returns): once per tenant and local date.
      await queues.add(poolReturnJob, { tenantId: tenant.id, date: local.toISODate()! });
      scans++;
      // The first morning of a month: the month just closed is known, the next ones are forecast.
      if (local.day === 1) await queues.add(forecastRefreshJob, { tenantId: tenant.id, month: local.toFormat('yyyy-LL') });
    }
    const byId = new Map(tenants.map((t) => [t.id, t]));
    const managers = await em.find(User, { role: 'manager', active: true });
    let summaries = 0;
    for (const manager of managers) {
      const tenant = byId.get(manager.tenantId);
      if (!tenant) continue;
      const local = DateTime.fromJSDate(now, { zone: knownZoneOr(manager.timezone, tenant.defaultTimezone) });
      if (local.weekday !== 1 || !due(local, tenant.nudgeHour)) continue;
      const week = `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`;
      await queues.add(managerSummaryJob, { tenantId: tenant.id, userId: manager.id, week, weekOf: local.startOf('week').toISODate()! });
      summaries++;
    }
    // Monday at the nudge hour in each owner's zone: customers going quiet or buying less.
    const owners: Array<{ id: string; tenant_id: string; timezone: string }> = await em.execute(
      `select distinct u.id, u.tenant_id, u.timezone from users u join customers c on c.owner_id = u.id and c.tenant_id = u.tenant_id where u.active`,
    );
    let churnAlerts = 0;
    for (const owner of owners) {
      const tenant = byId.get(owner.tenant_id);
      if (!tenant) continue;
      const local = DateTime.fromJSDate(now, { zone: knownZoneOr(owner.timezone, tenant.defaultTimezone) });
      if (local.weekday !== 1 || !due(local, tenant.nudgeHour)) continue;
      await queues.add(churnAlertJob, { tenantId: tenant.id, userId: owner.id, week: `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}` });
      churnAlerts++;
    }
    const expired = await expireQuotes(em, now);
    return `${scans} scans, ${summaries} summaries, ${churnAlerts} churn alerts, ${expired} quotes expired`;
  },
});
