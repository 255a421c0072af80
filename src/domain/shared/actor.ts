import type { Role } from '../org/user.entity';

/** A person acting through a bot. The role is re-read from the database before any decision. */
export type UserActor = {
  kind: 'user';
  tenantId: string;
  userId: string;
  role: Role;
  /**
   * Set by a bot for one chat request: the access resolved by the request's first use case is
   * reused by the next ones, instead of re-reading the same rows several times per message.
   */
  perRequest?: { access?: Promise<unknown> };
};

/** The admin CLI or a job acting for the whole tenant; audited under its label. */
export type SystemActor = { kind: 'system'; tenantId: string; label: string };

export type Actor = UserActor | SystemActor;

export const userActor = (tenantId: string, userId: string, role: Role): UserActor => ({ kind: 'user', tenantId, userId, role });
export const systemActor = (tenantId: string, label = 'system'): SystemActor => ({ kind: 'system', tenantId, label });
