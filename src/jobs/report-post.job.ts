import { defineJob, deliveryJobOptions } from './job-definition';
import { postReport, type ReportPostData } from './post-report';

export type { ReportPostData } from './post-report';

/** Builds one report (SQL aggregates), renders its charts and posts them with the key numbers. */
export const reportPostJob = defineJob<ReportPostData>({
  name: 'report-post',
  queue: 'deliveries',
  jobId: (d) => `report.${d.key}`,
  options: deliveryJobOptions,
  handle: (data, ctx) => postReport(data, ctx),
});
