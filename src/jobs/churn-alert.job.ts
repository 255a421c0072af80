import { churnAlertCard } from '../cards/presenters/churn-card';
import { translator } from '../cards/i18n/i18n';
import { User } from '../domain/org/user.entity';
import { listChurnRisks } from '../domain/reports/list-churn-risks';
import { userActor } from '../domain/shared/actor';
import { Tenant } from '../domain/tenants/tenant.entity';
import { defineJob, deliveryJobOptions } from './job-definition';

export type ChurnAlertData = { tenantId: string; userId: string; week: string };

/** Days without a visit, call or won deal after which an owned customer counts as going quiet. */
export const churnQuietDays = 60;

/** Monday: each owner hears of their customers going quiet or buying less (once a week). */
export const churnAlertJob = defineJob<ChurnAlertData>({
  name: 'churn-alert',
  queue: 'deliveries',
  jobId: (d) => `churn-alert.${d.userId}.${d.week}`,
  options: deliveryJobOptions,
  async handle(data, { em, notifier, clock }) {
    const user = await em.findOne(User, { id: data.userId, tenantId: data.tenantId, active: true });
    if (!user) return 'skipped: user inactive';
    const tenant = await em.findOneOrFail(Tenant, { id: user.tenantId });
    // The owner's own customers: a manager's team alerts go to each rep, not to them again.
    const risks = (await listChurnRisks(em, userActor(user.tenantId, user.id, user.role), { quietDays: churnQuietDays, at: clock.now(), limit: 50 })).filter((r) => r.ownerId === user.id);
    if (risks.length === 0) return 'skipped: nobody at risk';
    const card = churnAlertCard(risks, { t: translator(user.locale), user, currency: tenant.defaultCurrency, now: clock.now() });
    return (await notifier.sendDirect({ tenantId: user.tenantId, userId: user.id, card, idempotencyKey: `churn-alert.${user.id}.${data.week}`, kind: 'churn_alert' })).status;
  },
});
