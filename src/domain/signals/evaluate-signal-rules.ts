import type { SignalType } from './signal-event.entity';

/** What evaluating a rule needs of it. */
export type RuleSpec = {
  id: string;
  name: string;
  eventType: SignalType;
  productSku?: string | null;
  perProduct: boolean;
  urlContains?: string | null;
  minCount: number;
  windowDays: number;
  scoreBump: number;
};

/** A matched event of a customer, as the rules count it: `id` is the row's, `eventId` the sender's. */
export type CountedEvent = { id: string; eventId: string; customerId: string; type: SignalType; productSku: string | null; url: string | null; occurredAt: Date };

/** The newest window end a rule has fired with, per customer and product key. */
export type PreviousFiring = { ruleId: string; customerId: string; productSku: string | null; windowEnd: Date };

export type Firing = {
  rule: RuleSpec;
  customerId: string;
  /** The rule's product, or the product counted for a per-product rule; null for any product. */
  productSku: string | null;
  windowStart: Date;
  windowEnd: Date;
  /** Every counted event in the window, oldest first. */
  events: CountedEvent[];
};

const dayMs = 24 * 3600_000;

/** SKUs compare without case or surrounding spaces ("sku-1" is SKU-1). */
export const skuKey = (sku: string | null | undefined): string | null => {
  const key = sku?.trim().toUpperCase();
  return key ? key : null;
};

/** Whether a rule counts an event: its type, its product (one, or any for "each"), and the URL part. */
export function ruleCounts(rule: RuleSpec, event: Pick<CountedEvent, 'type' | 'productSku' | 'url'>): boolean {
  if (event.type !== rule.eventType) return false;
  const sku = skuKey(event.productSku);
  if (rule.productSku && sku !== skuKey(rule.productSku)) return false;
  if (rule.perProduct && !sku) return false;
  if (rule.urlContains && !(event.url ?? '').toLowerCase().includes(rule.urlContains.toLowerCase())) return false;
  return true;
}

/** The product a firing is about: the rule's own, the event's for "each product", none otherwise. */
export const productKeyOf = (rule: RuleSpec, event: Pick<CountedEvent, 'productSku'>): string | null =>
  rule.productSku ? skuKey(rule.productSku) : rule.perProduct ? skuKey(event.productSku) : null;

/**
 * Which rules fire, given a customer's matched events around the events just processed (`fresh`).
 * Pure: no database.
 *
 * A rule holds for a customer (and product key) over a window of `windowDays` days ending at an
 * event's time — the events counted are those with `end - windowDays < occurredAt <= end` — when
 * at least `minCount` events count. It fires for such a window when the window holds a fresh event
 * (old history alone never fires) and no firing of the rule for that customer and product ends
 * less than `windowDays` before it (or after it): at most once per window. Windows are tried
 * oldest first, so a backlog spanning several windows fires once in each.
 *
 * `events` must hold every matched event of the customers from `windowDays` before the oldest
 * fresh event to `windowDays` after the newest (a late event may complete a later window).
 */
export function findFirings(rules: RuleSpec[], events: CountedEvent[], fresh: ReadonlySet<string>, previous: PreviousFiring[]): Firing[] {
  const firings: Firing[] = [];
  const sorted = [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || compareIds(a.id, b.id));
  for (const rule of rules) {
    const groups = new Map<string, CountedEvent[]>();
    for (const event of sorted) {
      if (!ruleCounts(rule, event)) continue;
      const key = `${event.customerId}\u0000${productKeyOf(rule, event) ?? ''}`;
      const group = groups.get(key);
      if (group) group.push(event);
      else groups.set(key, [event]);
    }
    const span = rule.windowDays * dayMs;
    for (const group of groups.values()) {
      if (!group.some((e) => fresh.has(e.id))) continue;
      const customerId = group[0]!.customerId;
      const productSku = productKeyOf(rule, group[0]!);
      const ends = previous.filter((p) => p.ruleId === rule.id && p.customerId === customerId && skuKey(p.productSku) === productSku).map((p) => p.windowEnd.getTime());
      // freshBefore[i]: fresh events among group[0..i-1], so a window's fresh count is one subtraction.
      const freshBefore = [0];
      for (const e of group) freshBefore.push(freshBefore.at(-1)! + (fresh.has(e.id) ? 1 : 0));
      let start = 0;
      for (let j = 0; j < group.length; j++) {
        // The window ends with every event at this event's time.
        if (j + 1 < group.length && group[j + 1]!.occurredAt.getTime() === group[j]!.occurredAt.getTime()) continue;
        const end = group[j]!.occurredAt.getTime();
        while (group[start]!.occurredAt.getTime() <= end - span) start++;
        if (j + 1 - start < rule.minCount || freshBefore[j + 1]! - freshBefore[start]! === 0) continue;
        if (ends.some((previousEnd) => previousEnd > end - span)) continue;
        ends.push(end);
        firings.push({ rule, customerId, productSku, windowStart: new Date(end - span), windowEnd: new Date(end), events: group.slice(start, j + 1) });
      }
    }
  }
  return firings;
}

/**
 * How far back each customer's matched events are needed to evaluate the fresh ones: per rule and
 * product the fresh events touch, from `windowDays` before the oldest fresh event — or from the
 * rule's latest firing there, if later: no window that could still fire reaches back past a
 * firing's end (it would end within a window of it). Keeps a flood of one customer's events from
 * re-reading its whole history on every page.
 */
export function historyNeeded(rules: RuleSpec[], fresh: CountedEvent[], previous: PreviousFiring[]): Map<string, Date> {
  const from = new Map<string, number>();
  for (const rule of rules) {
    const span = rule.windowDays * dayMs;
    const oldest = new Map<string, { customerId: string; sku: string | null; at: number }>();
    for (const e of fresh) {
      if (!ruleCounts(rule, e)) continue;
      const sku = productKeyOf(rule, e);
      const key = `${e.customerId}\u0000${sku ?? ''}`;
      const at = e.occurredAt.getTime();
      if (!oldest.has(key) || oldest.get(key)!.at > at) oldest.set(key, { customerId: e.customerId, sku, at });
    }
    for (const { customerId, sku, at } of oldest.values()) {
      const fired = previous.filter((p) => p.ruleId === rule.id && p.customerId === customerId && skuKey(p.productSku) === sku).map((p) => p.windowEnd.getTime());
      const bound = Math.max(at - span, ...fired);
      from.set(customerId, Math.min(from.get(customerId) ?? Infinity, bound));
    }
  }
  return new Map([...from].map(([customerId, at]) => [customerId, new Date(at)]));
}

// Event ids are bigserial text: compare as numbers ("10" after "9").
const compareIds = (a: string, b: string) => (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0);
