import type { OutboxTopic } from '../domain/outbox/write-outbox';
import { chatCommandJob } from './chat-command.job';
import { churnAlertJob } from './churn-alert.job';
import { quoteApprovalReminderJob, quoteApprovalRequestJob, quoteDecidedJob } from './quote-messages.job';
import { forecastPostJob } from './forecast-post.job';
import { forecastRefreshJob } from './forecast-refresh.job';
import { reportPostJob } from './report-post.job';
import { reportTickJob } from './report-tick.job';
import { retentionJob } from './retention.job';
import { signalNudgeJob } from './signal-nudge.job';
import { signalsProcessJob, signalsSweepJob } from './signals-process.job';
import { tierRecomputeJob } from './tier-recompute.job';
import type { JobDefinition } from './job-definition';
import { followUpReminderJob } from './follow-up-reminder.job';
import { managerSummaryJob } from './manager-summary.job';
import { nudgeDigestJob } from './nudge-digest.job';
import { nudgeScanJob } from './nudge-scan.job';
import { nudgeTickJob } from './nudge-tick.job';
import { poolNoticeJob } from './pool-notice.job';
import { poolReturnJob } from './pool-return.job';
import { visitReminderJob } from './visit-reminder.job';

/** Every job the worker runs, by name. A job added here runs; a name not here fails unrecoverably. */
export const jobDefinitions = [visitReminderJob, followUpReminderJob, nudgeTickJob, nudgeScanJob, nudgeDigestJob, managerSummaryJob, chatCommandJob, reportTickJob, reportPostJob, forecastPostJob, forecastRefreshJob, quoteApprovalRequestJob, quoteApprovalReminderJob, quoteDecidedJob, churnAlertJob, retentionJob, signalsProcessJob, signalsSweepJob, signalNudgeJob, tierRecomputeJob, poolReturnJob, poolNoticeJob] as const;

// Each definition keeps its own data type; the worker only needs to look them up by name.
const byName = new Map<string, JobDefinition<object>>(jobDefinitions.map((d) => [d.name, d as unknown as JobDefinition<object>]));

export const findJob = (name: string): JobDefinition<object> | undefined => byName.get(name);

/** Outbox topics and the job each becomes; the relay publishes rows through this map. */
type OutboxJob = JobDefinition<{ outboxId: string; tenantId: string }>;
export const outboxTopics: Record<OutboxTopic, OutboxJob> = {
  'visit.reminder': visitReminderJob as unknown as OutboxJob,
  'visit.follow_up': followUpReminderJob as unknown as OutboxJob,
  'quote.approval_request': quoteApprovalRequestJob as unknown as OutboxJob,
  'quote.approval_reminder': quoteApprovalReminderJob as unknown as OutboxJob,
  'quote.decided': quoteDecidedJob as unknown as OutboxJob,
  'chat.command': chatCommandJob as unknown as OutboxJob,
  'signal.nudge': signalNudgeJob as unknown as OutboxJob,
};
