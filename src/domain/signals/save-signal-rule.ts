import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, snapshot } from '../audit/record-audit';
import { requireRole, resolveAccess, type Access } from '../shared/access';
import type { Actor } from '../shared/actor';
import { invalidInput } from '../shared/domain-error';
import { newId } from '../shared/ids';
import { parseInput } from '../shared/validate';
import { maxSignalRules, ruleFields, signalRuleSchema, type SignalRuleData, type SignalRuleInput } from './signal-rule-input';
import { SignalRule } from './signal-rule.entity';

export type SavedSignalRule = { rule: SignalRule; change: 'created' | 'updated' | 'unchanged' };

/** Creates a rule, or replaces the one of that name (names compare without case). Admins only; audited. */
export async function saveSignalRule(em: EntityManager, actor: Actor, input: SignalRuleInput): Promise<SavedSignalRule> {
  const data = parseInput(signalRuleSchema, input);
  return em.transactional(async (tx) => {
    const access = await resolveAccess(tx, actor);
    requireRole(access, ['admin'], 'change signal rules');
    // One writer of a tenant's rules at a time: two admins adding the same name get one rule.
    await tx.execute(`select pg_advisory_xact_lock(hashtextextended('sfa.signal_rules.' || ?, 0))`, [access.tenantId]);
    const existing = await findRuleByName(tx, access.tenantId, data.name);
    if (!existing && (await tx.count(SignalRule, { tenantId: access.tenantId })) >= maxSignalRules) {
      throw invalidInput(`A workspace can have at most ${maxSignalRules} signal rules.`, [{ field: 'name', problem: `at most ${maxSignalRules} rules`, code: 'too_many', max: maxSignalRules }]);
    }
    const result = upsertRule(tx, access, existing, data);
    await tx.flush();
    return result;
  });
}

export async function findRuleByName(em: EntityManager, tenantId: string, name: string): Promise<SignalRule | null> {
  const rows: Array<{ id: string }> = await em.execute(`select id from signal_rules where tenant_id = ? and lower(name) = lower(?)`, [tenantId, name.trim()]);
  return rows[0] ? em.findOne(SignalRule, { id: rows[0].id, tenantId }) : null;
}

/** In the caller's unit of work (chat and CSV import alike): the rule created, updated or left alone, audited. */
export function upsertRule(em: EntityManager, access: Access, existing: SignalRule | null, data: SignalRuleData): SavedSignalRule {
  const fields = ruleFields(data);
  if (!existing) {
    const rule = em.create(SignalRule, { id: newId(), tenantId: access.tenantId, ...fields, createdBy: access.userId } as SignalRule);
    recordAudit(em, access, 'signal_rule.create', { type: 'signal_rule', id: rule.id }, null, { ...fields });
    return { rule, change: 'created' };
  }
  // The name identifies the rule: "pricing page" in a file or a command does not rename "Pricing page".
  const { name: _name, ...settings } = fields;
  const same = (Object.keys(settings) as Array<keyof typeof settings>).every((k) => existing[k] === settings[k]);
  if (same) return { rule: existing, change: 'unchanged' };
  const before = snapshot(existing);
  em.assign(existing, settings);
  recordAudit(em, access, 'signal_rule.update', { type: 'signal_rule', id: existing.id }, before, { name: existing.name, ...settings });
  return { rule: existing, change: 'updated' };
}
