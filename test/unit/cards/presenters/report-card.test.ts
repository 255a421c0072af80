import { DateTime } from 'luxon';
import { translator } from '../../../../src/cards/i18n/i18n';
import { churnLines, periodRange, reportChartTexts, reportSummaryLines } from '../../../../src/cards/presenters/report-card';
import type { Contributor, KpiReport } from '../../../../src/domain/reports/build-kpi-report';
import type { ChurnRisk } from '../../../../src/domain/reports/list-churn-risks';
import { periodWindow } from '../../../../src/domain/reports/report-period';

const zone = 'Asia/Shanghai';
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const en = { t: translator('en'), locale: 'en' };
const zh = { t: translator('zh-CN'), locale: 'zh-CN' };
const fig = (current: string, previous: string, changePercent: string | null = null) => ({ current, previous, changePercent });
const row = (label: string, cur: string, prev: string): Contributor => ({ key: label, label, revenue: fig(cur, prev), change: (Number(cur) - Number(prev)).toFixed(2), dealsWon: 2 });
const long = (i: number) => `Representative With A Very Long Name Number ${i} of the Northern Region`;

function report(over: Partial<KpiReport> = {}, asOf = local('2026-12-03T15:00')): KpiReport {
  const reps = Array.from({ length: 50 }, (_, i) => row(long(i), `${1000 * (50 - i)}.00`, `${900 * i}.00`));
  return {
    scope: 'team',
    window: periodWindow('monthly', asOf, zone, asOf),
    timezone: zone,
    currency: 'CNY',
    revenueWon: fig('1234567.89', '1000000.00', '23.5'),
    dealsWon: fig('12', '10', '20.0'),
    dealsLost: fig('3', '5', '-40.0'),
    conversion: { current: '80.0', previous: '66.7', changePoints: '13.3' },
    visits: fig('58', '61', '-4.9'),
    newCustomers: fig('4', '0'),
    pipeline: { asOf: null, stages: [{ stage: 'initial_contact', count: 3, amount: '30000.00' }, { stage: 'solution', count: 2, amount: '20000.00' }, { stage: 'quote', count: 0, amount: '0.00' }, { stage: 'negotiation', count: 1, amount: '50000.00' }], otherCurrencies: [{ currency: 'USD', count: 1, amount: '5000.00' }] },
    byRep: reps,
    byUnit: Array.from({ length: 9 }, (_, i) => row(`Sales/North/Unit ${i}`, `${100 * (i + 1)}.00`, '50.00')),
    byRegion: reps.slice(0, 10),
    byProduct: reps.slice(0, 10),
    largestChanges: {
      rep: { up: reps.slice(0, 3), down: reps.slice(-3) },
      unit: { up: [], down: [] },
      region: { up: reps.slice(0, 3), down: reps.slice(-3) },
      product: { up: reps.slice(0, 3), down: reps.slice(-3) },
    },
    trend: Array.from({ length: 12 }, (_, i) => ({ label: `2026-${String(i + 1).padStart(2, '0')}`, revenue: `${i * 1000}.00`, visits: i, partial: i === 11 })),
    otherCurrencies: [{ currency: 'USD', revenue: '900.00', deals: 1 }],
    history: 'unit_at_the_time',
    ...over,
  };
}

const risks: ChurnRisk[] = Array.from({ length: 6 }, (_, i) => ({
  customerId: `c${i}`,
  name: `杭州华宇饮料有限公司第${i}分公司（华东区域重点客户）`,
  ownerId: 'o',
  reasons: ['quiet', 'declining'],
  lastActivityAt: local('2026-09-01T10:00'),
  revenueRecent: '100.00',
  revenueBefore: '90000.00',
  lostReasons: ['price too high compared with the competitor that offered a three year contract', 'no budget this year', 'decision maker left'],
}));

describe('the report post, as text', () => {
  test.each([
    ['en', en],
    ['zh-CN', zh],
  ])('%s: the biggest reach still fits a phone and a notification — bounded, one line per fact', (_name, reader) => {
    const r = report();
    const lines = reportSummaryLines(r, 'Mia', reader, churnLines(risks, 5, r, reader));
    const text = lines.join('\n');
    expect(text.length).toBeLessThan(3500);
    for (const line of lines) expect(line.length).toBeLessThan(400);
    // Five customers at risk and a count of the rest, not all six.
    expect(text.match(/• 杭州/g)).toHaveLength(5);
  });

  test('to date, in points, and now: the words a manager reads', () => {
    const text = reportSummaryLines(report(), 'Mia', en).join('\n');
    expect(text).toContain('(1–3 Dec 2026, to date; compared with 1–3 Nov 2026)');
    expect(text).toContain('conversion *80.0%* ▲ 13.3 pts');
    expect(text).toContain('Open pipeline now: *CN¥100,000.00* · 6 open deals · also $5,000.00 in 1 deal');
    expect(text).toContain('Also won in other currencies: $900.00 (1 won)');
    expect(text).toMatch(/▲ Reps: .* \+CN¥/);
    expect(text).toMatch(/▼ Reps: .* −CN¥/);
    expect(text).toContain('*By unit*');
    expect(text).toContain('…and 3 more');
  });

  test('no closed deals is said as such; a past period shows its end and the pipeline at it', () => {
    const past = report({ conversion: { current: null, previous: '50.0', changePoints: null }, pipeline: { ...report().pipeline, asOf: local('2026-12-01T00:00') } }, local('2026-12-03T15:00'));
    past.window = periodWindow('monthly', local('2026-11-10T00:00'), zone, local('2026-12-03T15:00'));
    const text = reportSummaryLines(past, 'Mia', en).join('\n');
    expect(text).toContain('(1–30 Nov 2026)');
    expect(text).toContain('no closed deals');
    expect(text).not.toContain('0.0%');
    expect(text).toContain('Open pipeline at the end of 30 Nov 2026');
    expect(reportSummaryLines(past, '李强', zh).join('\n')).toContain('2026年11月30日期末在途商机');
  });

  test('a report of one person shows no unit breakdown', () => {
    expect(reportSummaryLines(report({ scope: 'me' }), 'you', en).join('\n')).not.toContain('By unit');
  });

  test('Chinese dates and ranges', () => {
    expect(periodRange(report(), zh)).toBe('2026年12月1日–3日，截至目前；对比 2026年11月1日–3日');
  });

  test('each chart as text: the same figures as the chart, within Slack\'s 1,000 characters of alt text', () => {
    const texts = reportChartTexts(report(), en);
    for (const text of Object.values(texts)) expect(text.length).toBeLessThanOrEqual(1000);
    expect(texts.pipeline).toContain('Initial contact CN¥30,000.00 · 3 open deals · 30%');
    expect(texts.pipeline).toContain('Negotiation CN¥50,000.00 · 1 open deal · 50%');
    expect(texts.trend).toContain('2026-12 (to date) CN¥11,000.00, 11 visits');
  });
});
