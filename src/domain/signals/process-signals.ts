import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { Interaction } from '../activities/interaction.entity';
import { recordAudit, snapshot } from '../audit/record-audit';
import { Customer } from '../customers/customer.entity';
import { lockedScoringSettings } from '../opportunities/opportunity-scoring';
import { openStages, Opportunity } from '../opportunities/opportunity.entity';
import { defaultStageProbability } from '../opportunities/score-opportunity';
import { computeScore, type ScoringSettings } from '../opportunities/scoring';
import { StageChange } from '../opportunities/stage-change.entity';
import { User } from '../org/user.entity';
import { writeOutbox } from '../outbox/write-outbox';
import { resolveAccess, type Access } from '../shared/access';
import { systemActor } from '../shared/actor';
import { newId } from '../shared/ids';
import { Tenant } from '../tenants/tenant.entity';
import { findFirings, historyNeeded, ruleCounts, type CountedEvent, type Firing, type PreviousFiring } from './evaluate-signal-rules';
import { resolveSignalCustomers } from './resolve-signal-customers';
import type { SignalCustomerRef, SignalType } from './signal-event.entity';
import { SignalMatch, type SignalEvidence, type SignalOutcome } from './signal-match.entity';
import { SignalRule } from './signal-rule.entity';

export type ProcessedSignals = { processed: number; matched: number; unmatched: number; more: boolean };

/** What a firing is about, for the deal title and the timeline note. */
export type FiringSummary = { ruleName: string; eventType: SignalType; count: number; windowDays: number; productSku: string | null; lastUrl: string | null };

/** The words of a created deal's title and of the note on the deal, in the owner's language. */
export type SignalTexts = (firing: FiringSummary, locale: string) => { title: string; note: string };

export type ProcessSignalsInput = {
  tenantId: string;
  now: Date;
  limit: number;
  /** The job gives the owner's-language texts (cards); without it they are English. */
  texts?: SignalTexts;
};

const plainTypes: Record<SignalType, string> = { page_view: 'page views', seminar_attended: 'seminar attendances', download: 'downloads', form_submitted: 'form submissions', custom: 'signals' };

/** English, plain: what the domain writes when no translator is given. */
export const plainSignalTexts: SignalTexts = (f) => {
  const what = `${f.count}× ${plainTypes[f.eventType]}${f.productSku ? ` of ${f.productSku}` : ''}`;
  return { title: `Signal: ${what}`.slice(0, 200), note: `${f.ruleName}: ${what} in ${f.windowDays} days${f.lastUrl ? `, last ${f.lastUrl}` : ''}`.slice(0, 4000) };
};

type PendingRow = { id: string; event_id: string; type: SignalType; occurred_at: Date; customer_ref: SignalCustomerRef; product_sku: string | null; url: string | null };

const dayMs = 24 * 3600_000;
export const maxSignalBatch = 5000;

/**
 * Processes up to `limit` pending signal events of one tenant, oldest first, in one transaction:
 * resolves each to a customer (batched lookups), marks it matched or unmatched, and runs the
 * tenant's active rules for the customers it touched. Rows are taken with `for update skip
 * locked`, so workers running it at once never process an event twice; the rules are evaluated
 * under a per-customer advisory lock (taken in one sorted order), so two workers whose events
 * together complete a window cannot both fire — the second sees the first's firing.
 *
 * A firing is recorded in `signal_matches` and:
 * - an owned customer with an open deal (the most recently updated): a dated note on it and its
 *   signal boost raised by the rule's bump (never past a score of 100);
 * - an owned customer without one: a new deal for the owner (amount 0, the tenant's currency),
 *   with the note and the bump;
 * - a pool customer (or one whose owner is deactivated): flagged for the pool list, nobody nudged;
 * - and the owner's nudge as an outbox row (`signal.nudge`) in the same transaction.
 * `more` says the page was full (pending events may remain).
 */
export async function processPendingSignals(em: EntityManager, input: ProcessSignalsInput): Promise<ProcessedSignals> {
  const limit = Math.min(Math.max(1, Math.trunc(input.limit) || 1), maxSignalBatch);
  const { tenantId, now } = input;
  return em.transactional(async (tx) => {
    const rows: PendingRow[] = await tx.execute(
      `select id, event_id, type, occurred_at, customer_ref, product_sku, url from signal_events
        where tenant_id = ? and status = 'pending' order by id limit ? for update skip locked`,
      [tenantId, limit],
    );
    if (rows.length === 0) return { processed: 0, matched: 0, unmatched: 0, more: false };
    const resolved = await resolveSignalCustomers(tx, tenantId, rows.map((r) => r.customer_ref));
    await tx.execute(
      `update signal_events e set status = v.status, customer_id = v.customer_id, resolution = v.resolution, processed_at = ?
         from jsonb_to_recordset(?::jsonb) as v(id bigint, status text, customer_id uuid, resolution text)
        where e.id = v.id and e.tenant_id = ?`,
      [now, JSON.stringify(rows.map((r, i) => ({ id: r.id, status: resolved[i]!.customerId ? 'matched' : 'unmatched', customer_id: resolved[i]!.customerId, resolution: resolved[i]!.resolution }))), tenantId],
    );
    const fresh: CountedEvent[] = rows.flatMap((r, i) => {
      const customerId = resolved[i]!.customerId;
      return customerId ? [{ id: String(r.id), eventId: r.event_id, customerId, type: r.type, productSku: r.product_sku, url: r.url, occurredAt: new Date(r.occurred_at) }] : [];
    });
    const result = { processed: rows.length, matched: fresh.length, unmatched: rows.length - fresh.length, more: rows.length === limit };
    if (fresh.length > 0) await runRules(tx, { tenantId, now, texts: input.texts ?? plainSignalTexts }, fresh);
    return result;
  });
}

async function runRules(tx: EntityManager, ctx: { tenantId: string; now: Date; texts: SignalTexts }, fresh: CountedEvent[]): Promise<void> {
  const { tenantId } = ctx;
  const rules = (await tx.find(SignalRule, { tenantId, active: true }, { orderBy: { createdAt: 'asc', id: 'asc' } })).filter((rule) => fresh.some((e) => ruleCounts(rule, e)));
  if (rules.length === 0) return;
  const counted = fresh.filter((e) => rules.some((rule) => ruleCounts(rule, e)));
  const customerIds = [...new Set(counted.map((e) => e.customerId))];
  // One lock per customer, taken in one order by every worker: no deadlock, and rules of a customer are evaluated by one worker at a time.
  await tx.execute(
    `select count(pg_advisory_xact_lock(k)) from (select hashtextextended('sfa.signals.' || c, 0) as k from unnest(array[?]::text[]) c order by 1) s`,
    [customerIds],
  );
  const fired: Array<{ rule_id: string; customer_id: string; product_sku: string | null; window_end: Date }> = await tx.execute(
    `select rule_id, customer_id, product_sku, max(window_end) as window_end from signal_matches
      where tenant_id = ? and customer_id in (?) and rule_id in (?) group by rule_id, customer_id, product_sku`,
    [tenantId, customerIds, rules.map((r) => r.id)],
  );
  const previous: PreviousFiring[] = fired.map((r) => ({ ruleId: r.rule_id, customerId: r.customer_id, productSku: r.product_sku, windowEnd: new Date(r.window_end) }));
  const from = historyNeeded(rules, counted, previous);
  const to = new Date(Math.max(...counted.map((e) => e.occurredAt.getTime())) + Math.max(...rules.map((r) => r.windowDays)) * dayMs);
  const events: Array<{ id: string; event_id: string; customer_id: string; type: SignalType; product_sku: string | null; url: string | null; occurred_at: Date }> = await tx.execute(
    `select e.id, e.event_id, e.customer_id, e.type, e.product_sku, e.url, e.occurred_at
       from jsonb_to_recordset(?::jsonb) as b(customer_id uuid, from_at timestamptz)
       join signal_events e on e.tenant_id = ? and e.customer_id = b.customer_id and e.occurred_at > b.from_at and e.occurred_at <= ?
      where e.status = 'matched' and e.type in (?)`,
    [JSON.stringify([...from].map(([customer_id, at]) => ({ customer_id, from_at: at.toISOString() }))), tenantId, to, [...new Set(rules.map((r) => r.eventType))]],
  );
  const firings = findFirings(
    rules,
    events.map((e) => ({ id: String(e.id), eventId: e.event_id, customerId: e.customer_id, type: e.type, productSku: e.product_sku, url: e.url, occurredAt: new Date(e.occurred_at) })),
    new Set(counted.map((e) => e.id)),
    previous,
  );
  if (firings.length > 0) await applyFirings(tx, ctx, firings);
}

async function applyFirings(tx: EntityManager, ctx: { tenantId: string; now: Date; texts: SignalTexts }, firings: Firing[]): Promise<void> {
  const { tenantId, now } = ctx;
  const access = await resolveAccess(tx, systemActor(tenantId, 'signals'));
  // The tenant's scoring row before any deal row: the order a change of weights locks them in, or the two deadlock.
  const settings = await lockedScoringSettings(tx, tenantId);
  const customerIds = [...new Set(firings.map((f) => f.customerId))];
  const customers = new Map((await tx.find(Customer, { tenantId, id: { $in: customerIds } }, { lockMode: LockMode.PESSIMISTIC_WRITE })).map((c) => [c.id, c]));
  const ownerIds = [...new Set([...customers.values()].map((c) => c.ownerId).filter((id): id is string => !!id))];
  const owners = new Map((ownerIds.length ? await tx.find(User, { tenantId, id: { $in: ownerIds }, active: true }) : []).map((u) => [u.id, u]));
  // The most recently updated open deal of each customer.
  const openDeals = new Map<string, Opportunity>();
  for (const deal of await tx.find(Opportunity, { tenantId, customerId: { $in: customerIds }, stage: { $in: [...openStages] } }, { orderBy: { updatedAt: 'desc', id: 'desc' }, lockMode: LockMode.PESSIMISTIC_WRITE })) {
    if (!openDeals.has(deal.customerId)) openDeals.set(deal.customerId, deal);
  }
  const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
  const sorted = [...firings].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : a.windowEnd.getTime() - b.windowEnd.getTime()));
  const matchIds = new Map(sorted.map((f) => [f, newId()]));
  const ownerOf = (customer: Customer | undefined) => (customer?.ownerId ? owners.get(customer.ownerId) ?? null : null);
  const summaryOf = (firing: Firing): FiringSummary => ({ ruleName: firing.rule.name, eventType: firing.rule.eventType, count: firing.events.length, windowDays: firing.rule.windowDays, productSku: firing.productSku, lastUrl: firing.events.at(-1)!.url });
  // New deals first, in a flush of their own: nothing relates the entities, so one flush would not order the inserts.
  const createdBy = new Map<string, Firing>();
  for (const firing of sorted) {
    const owner = ownerOf(customers.get(firing.customerId));
    if (!owner || openDeals.has(firing.customerId)) continue;
    const title = ctx.texts(summaryOf(firing), owner.locale).title;
    openDeals.set(firing.customerId, newDeal(tx, access, { customerId: firing.customerId, ownerId: owner.id, title, currency: tenant.defaultCurrency, sourceKey: `signal.${matchIds.get(firing)}` }, settings));
    createdBy.set(firing.customerId, firing);
  }
  if (createdBy.size > 0) {
    await tx.flush();
    for (const customerId of createdBy.keys()) dealRecorded(tx, access, openDeals.get(customerId)!);
  }
  for (const firing of sorted) {
    const customer = customers.get(firing.customerId);
    if (!customer) continue;
    const owner = ownerOf(customer);
    const last = firing.events.at(-1)!;
    const evidence: SignalEvidence = {
      eventIds: firing.events.map((e) => e.eventId),
      count: firing.events.length,
      eventType: firing.rule.eventType,
      lastUrl: last.url,
      lastAt: last.occurredAt.toISOString(),
      firstAt: firing.events[0]!.occurredAt.toISOString(),
    };
    const matchId = matchIds.get(firing)!;
    let outcome: SignalOutcome;
    let deal: Opportunity | null = null;
    let bump = 0;
    if (!owner) {
      const before = customer.signalFlaggedAt ?? null;
      customer.signalFlaggedAt = now;
      recordAudit(tx, access, 'customer.signal_flag', { type: 'customer', id: customer.id }, { signalFlaggedAt: before }, { signalFlaggedAt: now.toISOString(), signalMatchId: matchId, rule: firing.rule.name });
      outcome = 'flagged';
    } else {
      const texts = ctx.texts(summaryOf(firing), owner.locale);
      deal = openDeals.get(customer.id)!;
      outcome = createdBy.get(customer.id) === firing ? 'created' : 'strengthened';
      bump = raiseBoost(tx, access, deal, firing.rule.scoreBump, matchId, settings);
      tx.create(Interaction, {
        tenantId,
        customerId: customer.id,
        userId: deal.ownerId,
        opportunityId: deal.id,
        type: 'signal',
        status: 'done',
        occurredAt: now,
        notes: texts.note,
      } as Interaction);
    }
    tx.create(SignalMatch, {
      id: matchId,
      tenantId,
      ruleId: firing.rule.id,
      ruleName: firing.rule.name,
      customerId: customer.id,
      productSku: firing.productSku,
      firedAt: now,
      windowStart: firing.windowStart,
      windowEnd: firing.windowEnd,
      evidence,
      ownerId: owner?.id ?? null,
      opportunityId: deal?.id ?? null,
      outcome,
      scoreBump: bump,
      dismissedAt: null,
      dismissedBy: null,
    } as SignalMatch);
    if (owner) writeOutbox(tx, { tenantId, topic: 'signal.nudge', aggregateId: matchId, action: 'schedule', payload: { matchId } });
  }
  await tx.flush();
}

/**
 * A new deal for the customer's owner, as `createOpportunity` makes one (first stage and its
 * probability, scored with the tenant's settings, its first stage-history row, audited), for the
 * system: amount 0 in the tenant's currency, the source key derived from the firing. Written in
 * the batch's one flush rather than one transaction each.
 */
function newDeal(tx: EntityManager, access: Access, input: { customerId: string; ownerId: string; title: string; currency: string; sourceKey: string }, settings: ScoringSettings): Opportunity {
  const deal = tx.create(Opportunity, {
    id: newId(),
    tenantId: access.tenantId,
    customerId: input.customerId,
    ownerId: input.ownerId,
    title: input.title.slice(0, 200),
    amount: '0.00',
    currency: input.currency,
    expectedCloseDate: null,
    stage: 'initial_contact',
    probability: defaultStageProbability.initial_contact,
    scoreInputs: {},
    ...computeScore({}, 0, settings),
    nextStep: null,
    sourceKey: input.sourceKey,
  } as Opportunity);
  return deal;
}

/** Once the new deal is stored: its first stage-history row and its audit entry, as createOpportunity writes them. */
function dealRecorded(tx: EntityManager, access: Access, deal: Opportunity): void {
  tx.create(StageChange, { tenantId: access.tenantId, opportunityId: deal.id, fromStage: null, toStage: 'initial_contact', changedBy: null } as StageChange);
  recordAudit(tx, access, 'opportunity.create', { type: 'opportunity', id: deal.id }, null, snapshot(deal));
}

/**
 * Adds up to `bump` points to a deal's signal boost, no more than keeps its score at 100 (the
 * ratings' weighted part plus the boost), and re-scores it. Returns the points added.
 */
function raiseBoost(tx: EntityManager, access: Access, deal: Opportunity, bump: number, matchId: string, settings: ScoringSettings): number {
  if (bump <= 0) return 0;
  const rated = computeScore(deal.scoreInputs ?? {}, 0, settings).score ?? 0;
  const current = deal.signalBoost ?? 0;
  const next = Math.max(current, Math.min(current + bump, 100 - rated));
  if (next === current) return 0;
  const before = { signalBoost: current, score: deal.score ?? null };
  deal.signalBoost = next;
  // As refreshOpportunityScore does, with the settings read once for the batch.
  Object.assign(deal, computeScore(deal.scoreInputs ?? {}, next, settings));
  recordAudit(tx, access, 'opportunity.signal_boost', { type: 'opportunity', id: deal.id }, before, { signalBoost: next, score: deal.score, signalMatchId: matchId });
  return next - current;
}
