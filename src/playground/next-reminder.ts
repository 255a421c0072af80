import { Interaction } from '../domain/activities/interaction.entity';
import { rescheduleVisit } from '../domain/activities/reschedule-visit';
import { userActor } from '../domain/shared/actor';
import type { MikroORM } from '../db/orm';
import type { PlaygroundPerson } from './demo-workspace';

/** Seconds from now until the moved visit's reminder fires. */
const soon = 8;

/**
 * The playground's clock: the person's next planned visit is moved so that its reminder comes in
 * a few seconds, through the same use case as `/visit` rescheduling (so the reminder is queued as
 * always). Nothing planned: nothing moved.
 */
export async function bringNextReminder(orm: MikroORM, person: PlaygroundPerson): Promise<{ moved: number; remindsInSeconds?: number }> {
  const em = orm.em.fork();
  const next = await em.findOne(Interaction, { tenantId: person.tenantId, userId: person.userId, status: 'planned', scheduledAt: { $gt: new Date() } }, { orderBy: { scheduledAt: 'asc' } });
  if (!next) return { moved: 0 };
  // The lead as it is now: `/visit remind 15` may have changed it since the playground started.
  const [{ lead }] = await em.getConnection().execute<Array<{ lead: number }>>(`select reminder_lead_minutes as lead from users where id = ?`, [person.userId]);
  const at = new Date(Date.now() + lead * 60_000 + soon * 1000);
  await rescheduleVisit(em, userActor(person.tenantId, person.userId, person.role), next.id, at);
  return { moved: 1, remindsInSeconds: soon };
}
