import type { FieldIssue } from '../shared/domain-error';

/** What a tenant's retention policy covers, each kept a number of days. */
export const retentionKinds = ['deliveries', 'outbox', 'chatRequests', 'audit'] as const;
export type RetentionKind = (typeof retentionKinds)[number];
export type RetentionDays = Record<RetentionKind, number>;

/**
 * Defaults and bounds, in days. The floors are what other parts of the system rely on:
 * - deliveries: a failed job stays retryable from the queue dashboard for 14 days, and its
 *   delivery row is what stops a retry from posting twice;
 * - chat requests: a failed queued command is kept 7 days, and the request record is what makes a
 *   repeat of it change nothing (Slack retries within minutes, Bot Framework within the hour);
 * - audit: at least a year, and never less than anything else is kept (audit is kept longest).
 * Outbox rows are only pruned once settled; 7 days is what the relay kept before policies existed.
 */
export const retentionBounds: Record<RetentionKind, { default: number; min: number; max: number }> = {
  deliveries: { default: 90, min: 14, max: 3650 },
  outbox: { default: 7, min: 1, max: 3650 },
  chatRequests: { default: 7, min: 7, max: 3650 },
  audit: { default: 730, min: 365, max: 36500 },
};

export const defaultRetention: RetentionDays = {
  deliveries: retentionBounds.deliveries.default,
  outbox: retentionBounds.outbox.default,
  chatRequests: retentionBounds.chatRequests.default,
  audit: retentionBounds.audit.default,
};

/** How messages name each kind. */
export const retentionLabels: Record<RetentionKind, string> = {
  deliveries: 'delivery records',
  outbox: 'settled outbox rows',
  chatRequests: 'chat request records',
  audit: 'audit entries',
};

/** A change to a policy: a number of days, or null for "back to the default"; missing kinds stay. */
export type RetentionChange = Partial<Record<RetentionKind, number | null>>;

/** The days a policy would have after `change`, with the kinds still on their default. */
export function applyRetentionChange(custom: Partial<RetentionDays>, change: RetentionChange): { days: RetentionDays; custom: Partial<RetentionDays> } {
  const next: Partial<RetentionDays> = { ...custom };
  for (const kind of retentionKinds) {
    if (!(kind in change)) continue;
    const value = change[kind];
    if (value === null || value === undefined) delete next[kind];
    else next[kind] = value;
  }
  return { days: { ...defaultRetention, ...next }, custom: next };
}

/** Everything wrong with a policy, per kind; empty when it may be stored. */
export function retentionIssues(days: RetentionDays): Array<FieldIssue & { problem: string }> {
  const issues: Array<FieldIssue & { problem: string }> = [];
  for (const kind of retentionKinds) {
    const value = days[kind];
    const { min, max } = retentionBounds[kind];
    const label = retentionLabels[kind];
    if (!Number.isInteger(value)) issues.push({ field: kind, code: 'not_a_number', problem: `${label}: the days must be a whole number` });
    else if (value < min) issues.push({ field: kind, code: 'too_small', min, problem: `${label} must be kept at least ${min} days` });
    else if (value > max) issues.push({ field: kind, code: 'too_large', max, problem: `${label} may be kept at most ${max} days` });
  }
  const longest = Math.max(days.deliveries, days.outbox, days.chatRequests);
  if (issues.length === 0 && days.audit < longest) {
    issues.push({ field: 'audit', code: 'too_small', min: longest, problem: `audit entries must be kept at least as long as anything else (${longest} days)` });
  }
  return issues;
}
