import { churnLines, reportChartModel, reportChartTexts, reportSummaryLines } from '../cards/presenters/report-card';
import { translator } from '../cards/i18n/i18n';
import { renderChart } from '../cards/charts/chart-renderer';
import { pipelineChart, revenueByRepChart, trendChart } from '../cards/charts/report-charts';
import { User } from '../domain/org/user.entity';
import { buildKpiReport } from '../domain/reports/build-kpi-report';
import { listChurnRisks } from '../domain/reports/list-churn-risks';
import { forecastAccuracy } from '../domain/forecasting/forecast-accuracy';
import { accuracyLine } from '../cards/presenters/forecast-card';
import { userActor } from '../domain/shared/actor';
import { isDomainError } from '../domain/shared/domain-error';
import { buildSeconds } from '../metrics';
import type { JobContext } from './job-definition';
import { PermanentDeliveryError, type FileMessage, type Notifier } from './notifier';
import type { ReportPeriod } from '../domain/report-subscriptions/report-subscription.entity';

export type ReportPostData = {
  tenantId: string;
  /** Whose reach the report covers; re-read when it runs, so a demoted manager's report shrinks. */
  requesterId: string;
  scope: 'me' | 'team' | 'org';
  period: ReportPeriod;
  /** An instant inside the period to report on (ISO). */
  at: string;
  /** The report as it stood then (ISO; on-demand: when asked): a period not over by then is reported to date. Scheduled posts: when run. */
  asOf?: string;
  timezone: string;
  to: { channelId: string } | { userId: string };
  /** Identity of this post: the subscription and period, or the request. */
  key: string;
  /** Where to send it instead if the bot may not post in the channel (on-demand requests). */
  fallbackUserId?: string;
};

const churnShown = 5;

/** Slack's answers when the bot may not post in a channel: the requester gets the report by DM instead. */
const notAllowedThere = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/**
 * One report: aggregates as the requester may see them, three charts, the key numbers beside
 * them, in the requester's language. Rendering happens here and delivery in the notifier, so each
 * platform only adds its delivery.
 */
export async function postReport(data: ReportPostData, { em, notifier, log }: JobContext): Promise<string> {
  const requester = await em.findOne(User, { id: data.requesterId, tenantId: data.tenantId, active: true });
  if (!requester) return 'skipped: requester gone';
  const reader = { t: translator(requester.locale), locale: requester.locale };
  const actor = userActor(data.tenantId, requester.id, requester.role);
  const built = buildSeconds.startTimer({ kind: 'report' });
  let report;
  try {
    report = await buildKpiReport(em, actor, { period: data.period, scope: data.scope, at: new Date(data.at), asOf: data.asOf ? new Date(data.asOf) : new Date(), timezone: data.timezone });
  } catch (err) {
    // A manager demoted since subscribing: nothing to post, and retrying will not change that.
    if (isDomainError(err) && err.code === 'forbidden') return `skipped: ${err.message}`;
    throw err;
  }
  const whose = data.scope === 'me' ? reader.t('report.whoseMe') : data.scope === 'team' ? reader.t('report.whoseTeam', { name: requester.name }) : reader.t('report.whoseOrg');
  // Those who manage others are shown whom they may lose (as the period ends), with the reasons deals were lost.
  const churn = data.scope === 'me' ? [] : churnLines(await listChurnRisks(em, actor, { at: report.window.end, limit: churnShown + 1 }), churnShown, report, reader);
  // The monthly report also says how last months' forecasts compared with what was won.
  const accuracy = data.period === 'monthly' ? accuracyLine(await forecastAccuracy(em, actor, { scope: data.scope, now: report.window.end }), reader) : [];
  const text = reportSummaryLines(report, whose, reader, [...churn, ...accuracy]).join('\n');
  const charts = reportChartModel(report, reader);
  const described = reportChartTexts(report, reader, charts);
  const started = performance.now();
  const files = [
    { filename: `revenue-${report.window.label}.png`, title: charts.title.revenueByRep, altText: described.revenueByRep, bytes: await renderChart(revenueByRepChart(charts)) },
    { filename: `trend-${report.window.label}.png`, title: charts.title.trend, altText: described.trend, bytes: await renderChart(trendChart(charts)) },
    { filename: `pipeline-${report.window.label}.png`, title: charts.title.pipeline, altText: described.pipeline, bytes: await renderChart(pipelineChart(charts)) },
  ];
  log.debug({ ms: Math.round(performance.now() - started) }, 'report charts rendered');
  built();
  return postFilesOrDm(notifier, { tenantId: data.tenantId, to: data.to, text, files, idempotencyKey: `report.${data.key}`, kind: 'report' }, data.fallbackUserId, reader.t('report.notInChannel'));
}

/** Posts into the channel asked; where the bot may not post there, to the person who asked, by DM, saying why. */
export async function postFilesOrDm(notifier: Notifier, message: FileMessage, fallbackUserId: string | undefined, why: string): Promise<string> {
  try {
    return (await notifier.postFiles(message)).status;
  } catch (err) {
    if (!(err instanceof PermanentDeliveryError) || !fallbackUserId || !notAllowedThere.has(err.code)) throw err;
    const dm = { ...message, to: { userId: fallbackUserId }, text: `${why}\n${message.text}`, idempotencyKey: `${message.idempotencyKey}.dm` };
    return `${(await notifier.postFiles(dm)).status} by DM (${err.code})`;
  }
}
