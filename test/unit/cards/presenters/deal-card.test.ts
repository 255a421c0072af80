import { translator } from '../../../../src/cards/i18n/i18n';
import { en } from '../../../../src/cards/i18n/en';
import { zhCN } from '../../../../src/cards/i18n/zh-CN';
import { moveAnywayCard } from '../../../../src/cards/presenters/deal-guide';
import { opportunityCard, opportunityLine } from '../../../../src/cards/presenters/opportunity-card';
import { renderCardBlocks } from '../../../../src/cards/slack';
import { renderAdaptiveCard } from '../../../../src/cards/teams/adaptive-card';
import type { Opportunity } from '../../../../src/domain/opportunities/opportunity.entity';
import { defaultScoringSettings } from '../../../../src/domain/opportunities/scoring';
import type { User } from '../../../../src/domain/org/user.entity';
import { adaptiveCardProblems } from '../../../support/adaptive-card-validator';
import { checkBlockKitLimits } from '../../../support/fake-slack';

const ctx = (locale: string) => ({ t: translator(locale), user: { id: 'u1', locale, timezone: 'UTC' } as User });
const id = '00000000-0000-4000-8000-000000000001';
const deal = (extra: Partial<Opportunity> = {}) =>
  ({ id, customerId: 'c1', ownerId: 'u1', title: 'Pilot', amount: '50000.00', currency: 'USD', stage: 'solution', probability: 25, expectedCloseDate: null, scoreInputs: {}, score: null, winProbability: null, signalBoost: 0, checklistTicks: {}, ...extra }) as Opportunity;
const long = Array.from({ length: 10 }, (_, i) => `${'Item with a long description '.repeat(4).slice(0, 110)} ${i}`);
const guide = { scoring: defaultScoringSettings, checklists: { solution: long } };

test('English and Chinese have the same scoring texts and default checklist items', () => {
  const keys = (o: object, p = ''): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [`${p}${k}`] : keys(v, `${p}${k}.`)));
  expect(keys(zhCN.scoring).sort()).toEqual(keys(en.scoring).sort());
  expect(keys(zhCN.opp.exitItems).sort()).toEqual(keys(en.opp.exitItems).sort());
});

test('the card: score with priority, win probability, the explanation, the signals; ten checklist items with a button each, within Slack and Teams limits', () => {
  const o = deal({ scoreInputs: { urgency: 5, budget: 4, decisionMaker: 3, fit: 2 }, signalBoost: 10, score: 84, winProbability: 74, checklistTicks: { solution: { list: 'ignored', done: [0] } } });
  const card = opportunityCard(o, 'ACME', ctx('en'), undefined, guide);
  expect(card.fields).toEqual(expect.arrayContaining([{ label: 'Score', value: '84/100 · 🔴 High' }, { label: 'Win probability', value: '74%' }, { label: 'Stage probability', value: '25%' }]));
  expect(card.sections![0]).toEqual({ title: 'Why this score', lines: ['Urgency 5/5 → 29 · Budget 4/5 → 24 · Decision-maker access 3/5 → 14 · Fit 2/5 → 7 · Signals +10 = 84'] });
  const items = card.sections!.slice(1);
  expect(items).toHaveLength(10);
  // Ticks made against another list do not count.
  expect(items.every((s) => s.lines[0]!.startsWith('☐ ') && s.buttons!.length === 1)).toBe(true);
  expect(items.map((s) => s.buttons![0]!.value)).toEqual(long.map((_, i) => `${id}|solution|${i}`));
  expect(card.buttons!.map((b) => b.action)).toEqual(['opp.stage', 'opp.rate', 'opp.win', 'opp.lose']);
  const slack = renderCardBlocks(card);
  expect(checkBlockKitLimits(slack)).toEqual([]);
  expect(slack.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements)).toHaveLength(14);
  expect(JSON.stringify(slack.blocks)).not.toContain('…"}]}'); // nothing dropped
  expect(adaptiveCardProblems(renderAdaptiveCard(card))).toEqual([]);
});

test('capped scores say so; an unscored deal says how to score it; closed deals have no checklist', () => {
  const capped = opportunityCard(deal({ scoreInputs: { urgency: 5, budget: 5, fit: 4 }, signalBoost: 20, score: 100, winProbability: 90 }), 'ACME', ctx('en'));
  // 2500, 2500 and 1200 of 65 → 38.46 + 38.46 + 18.46 = 95 (three equal remainders: the first factor gets the point); + 20 = 115 → 100.
  // The parts add up to the score: of the 20 signal points, 100 − 95 = 5 count.
  expect(capped.sections![0]!.lines[0]).toBe('Urgency 5/5 → 39 · Budget 5/5 → 38 · Fit 4/5 → 18 · Signals +5 of +20 (score capped at 100) = 100');
  // Ratings alone give 100 (competition unrated): 2500, 2500, 2000, 1500 of 85 → 29.41 + 29.41 + 23.53 + 17.65, the two largest remainders get a point; none of the 15 count.
  const full = opportunityCard(deal({ scoreInputs: { urgency: 5, budget: 5, decisionMaker: 5, fit: 5 }, signalBoost: 15, score: 100, winProbability: 90 }), 'ACME', ctx('en'));
  expect(full.sections![0]!.lines[0]).toBe('Urgency 5/5 → 29 · Budget 5/5 → 29 · Decision-maker access 5/5 → 24 · Fit 5/5 → 18 · Signals +0 of +15 (score capped at 100) = 100');
  const fullZh = opportunityCard(deal({ scoreInputs: { urgency: 5, budget: 5, decisionMaker: 5, fit: 5 }, signalBoost: 15, score: 100, winProbability: 90 }), 'ACME', ctx('zh-CN'));
  expect(fullZh.sections![0]!.lines[0]).toMatch(/ · 行为信号 \+15，计入 \+0（评分上限为 100） = 100$/);
  // Negative points below 0: what was taken off, of how much.
  const floored = opportunityCard(deal({ scoreInputs: { urgency: 1 }, signalBoost: -30, score: 0, winProbability: 5 }), 'ACME', ctx('en'));
  expect(floored.sections![0]!.lines[0]).toBe('Urgency 1/5 → 20 · Signals -20 of -30 (score not below 0) = 0');
  const none = opportunityCard(deal(), 'ACME', ctx('zh-CN'));
  expect(none.fields).toEqual(expect.arrayContaining([{ label: '评分', value: '尚未评分：点“评分”' }]));
  expect(none.sections!.map((s) => s.lines[0])).toEqual(['☐ 已向客户演示方案', '☐ 已确认技术匹配', '☐ 客户认可方案范围']);
  expect(none.sections![0]!.title).toBe('离开「方案」前（已完成 0/3）');
  const won = opportunityCard(deal({ stage: 'won' }), 'ACME', ctx('en'));
  expect(won.sections).toEqual([]);
  // A closed deal kept the score it closed with; today's weights would say 100: no explanation that does not add up.
  const closedEarlier = opportunityCard(deal({ stage: 'won', scoreInputs: { urgency: 5 }, score: 42, winProbability: 38 }), 'ACME', ctx('en'));
  expect(closedEarlier.fields).toEqual(expect.arrayContaining([{ label: 'Score', value: '42/100 · 🟡 Medium' }]));
  expect(closedEarlier.sections).toEqual([]);
  expect(won.buttons).toEqual([]);
  // A closed deal has no Rate button: no "tap Rate" on it.
  expect(won.fields).toEqual(expect.arrayContaining([{ label: 'Score', value: 'not scored' }]));
  expect(opportunityCard(deal({ stage: 'lost', lostReason: 'Price' }), 'ACME', ctx('zh-CN')).fields).toEqual(expect.arrayContaining([{ label: '评分', value: '未评分' }]));
  // Rated on four factors that all weigh 0 today (fit=100, fit not rated): no score, and the card says why.
  const weightless = deal({ scoreInputs: { urgency: 4, budget: 3, competition: 2, decisionMaker: 5 }, score: null });
  expect(opportunityCard(weightless, 'ACME', ctx('en')).fields).toEqual(
    expect.arrayContaining([{ label: 'Score', value: 'rated on Urgency, Budget, Competition, Decision-maker access, but these carry no weight under the current weights' }]),
  );
  expect(opportunityCard(weightless, 'ACME', ctx('zh-CN')).fields).toEqual(expect.arrayContaining([{ label: '评分', value: '已评紧迫度、预算、竞争、决策人接触，但按当前权重这些因素不计分' }]));
  expect(opportunityLine(deal({ score: 55 }), 'ACME', ctx('en'), guide)).toBe('🟡 Medium 55 · *Pilot* · ACME · $50,000.00 · Solution');
  expect(opportunityLine(deal(), 'ACME', ctx('zh-CN'), guide)).toMatch(/^未评分 · \*Pilot\*/);
});

test('moving on with items not done: the list, Move anyway with the same id|shown|to, and Back', () => {
  const card = moveAnywayCard(deal(), 'ACME', 'quote', [{ key: 'opp.exitItems.solution.2' }, { text: 'Custom item' }], ctx('en'));
  expect(card.sections![0]!.lines).toEqual(['☐ Technical fit confirmed', '☐ Custom item']);
  expect(card.buttons).toEqual([
    { label: 'Move anyway', action: 'opp.stage_anyway', value: `${id}|solution|quote`, style: 'primary' },
    { label: 'Back', action: 'opp.back', value: id },
  ]);
  expect(checkBlockKitLimits(renderCardBlocks(card))).toEqual([]);
  expect(adaptiveCardProblems(renderAdaptiveCard(card))).toEqual([]);
});
