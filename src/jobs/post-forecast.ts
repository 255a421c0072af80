import { renderChart } from '../cards/charts/chart-renderer';
import { forecastChart } from '../cards/charts/forecast-chart';
import { translator } from '../cards/i18n/i18n';
import { forecastChartModels, forecastSummaryLines } from '../cards/presenters/forecast-card';
import { forecastCsv } from '../cards/presenters/forecast-csv';
import { buildForecast } from '../domain/forecasting/build-forecast';
import type { ForecastDimension } from '../domain/forecasting/forecast-series';
import { reachKey, recordForecast } from '../domain/forecasting/record-forecast';
import { User } from '../domain/org/user.entity';
import { userActor } from '../domain/shared/actor';
import { isDomainError } from '../domain/shared/domain-error';
import { buildSeconds } from '../metrics';
import type { JobContext } from './job-definition';
import { postFilesOrDm } from './post-report';

export type ForecastPostData = {
  tenantId: string;
  /** Whose reach it covers; re-read when it runs. */
  requesterId: string;
  scope: 'me' | 'team' | 'org';
  by: ForecastDimension;
  months: number;
  /** A CSV for planners instead of charts. */
  export: boolean;
  /** When it was asked (ISO): the forecast starts with that month. */
  at: string;
  to: { channelId: string } | { userId: string };
  key: string;
  fallbackUserId?: string;
};

/**
 * One forecast: built as the requester may see it, kept (so its accuracy can be judged when the
 * months close), and posted as charts with the figures as text — or as a CSV for planners.
 */
export async function postForecast(data: ForecastPostData, { em, notifier }: JobContext): Promise<string> {
  const requester = await em.findOne(User, { id: data.requesterId, tenantId: data.tenantId, active: true });
  if (!requester) return 'skipped: requester gone';
  const reader = { t: translator(requester.locale), locale: requester.locale };
  const built = buildSeconds.startTimer({ kind: 'forecast' });
  let forecast;
  try {
    forecast = await buildForecast(em, userActor(data.tenantId, requester.id, requester.role), { scope: data.scope, by: data.by, months: data.months, now: new Date(data.at), maxKeys: data.export ? 200 : 8 });
  } catch (err) {
    if (isDomainError(err) && err.code === 'forbidden') return `skipped: ${err.message}`;
    throw err;
  }
  await recordForecast(em, data.tenantId, reachKey(data.scope, requester.id), forecast);
  const whose = data.scope === 'me' ? reader.t('report.whoseMe') : data.scope === 'team' ? reader.t('report.whoseTeam', { name: requester.name }) : reader.t('report.whoseOrg');
  const text = forecastSummaryLines(forecast, whose, reader).join('\n');
  const key = `forecast.${data.key}`;
  if (forecast.lines.length === 0) {
    const card = { kind: 'card' as const, tone: 'info' as const, text };
    const sent = 'userId' in data.to ? await notifier.sendDirect({ tenantId: data.tenantId, userId: data.to.userId, card, idempotencyKey: key, kind: 'report' }) : await notifier.postToChannel({ tenantId: data.tenantId, channelId: data.to.channelId, card, idempotencyKey: key, kind: 'report' });
    return sent.status;
  }
  const files = data.export
    ? [{ filename: `forecast-${data.by}-${forecast.asOf}.csv`, title: reader.t('forecast.csvTitle', { from: forecast.asOf, months: forecast.months }), bytes: Buffer.from(forecastCsv(forecast), 'utf8') }]
    : await Promise.all(forecastChartModels(forecast, reader).map(async (m, i) => ({ filename: `forecast-${forecast.asOf}-${i + 1}.png`, title: m.title, altText: text.slice(0, 1000), bytes: await renderChart(forecastChart(m)) })));
  built();
  return postFilesOrDm(notifier, { tenantId: data.tenantId, to: data.to, text, files, idempotencyKey: key, kind: 'report' }, data.fallbackUserId, reader.t('report.notInChannel'));
}
