import type { ReportPeriod } from '../domain/report-subscriptions/report-subscription.entity';
import { defineJob, deliveryJobOptions } from './job-definition';
import { postReport } from './post-report';

export type ReportPostData = {
  tenantId: string;
  /** Whose reach the report covers; re-read when it runs, so a demoted manager's report shrinks. */
  requesterId: string;
  scope: 'me' | 'team' | 'org';
  period: ReportPeriod;
  /** An instant inside the period to report on (ISO). */
  at: string;
  timezone: string;
  to: { channelId: string } | { userId: string };
  /** Identity of this post: the subscription and period, or the request. */
  key: string;
  /** Where to send it instead if the bot may not post in the channel (on-demand requests). */
  fallbackUserId?: string;
};

/** Builds one report (SQL aggregates), renders its charts and posts them with the key numbers. */
export const reportPostJob = defineJob<ReportPostData>({
  name: 'report-post',
  queue: 'deliveries',
  jobId: (d) => `report.${d.key}`,
  options: deliveryJobOptions,
  handle: (data, ctx) => postReport(data, ctx),
});
