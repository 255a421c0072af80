import type { CommandContext } from '../../../../src/bots/pipeline/context';
import { customerForm } from '../../../../src/bots/customers/customer.forms';
import { lostReasonForm, newOppForm } from '../../../../src/bots/opportunities/opp.forms';
import { newQuoteForm } from '../../../../src/bots/quotes/quote.forms';
import type { CardModel } from '../../../../src/cards/reply-model';
import { visitLogForm, visitOutcomeForm, visitPlanForm } from '../../../../src/bots/visits/visit.forms';
import { translator } from '../../../../src/cards/i18n/i18n';
import { cardBytes, renderAdaptiveCard, renderAdaptiveForm, toTeamsMarkdown } from '../../../../src/cards/teams/adaptive-card';
import { adaptiveCardProblems } from '../../../support/adaptive-card-validator';

const everything: CardModel = {
  kind: 'card',
  tone: 'warn',
  header: 'Quote Q-2026-0001 · 上海华为技术有限公司',
  text: 'Logged your visit to *ACME*.\nNext: `/visit plan ACME tomorrow`',
  fields: [{ label: 'Total', value: '$880.00' }, { label: 'Extra discount', value: ' ' }],
  sections: [
    { title: 'Lines', lines: ['10 × Widget (SKU-1) @ $88.00 = *$880.00*'], buttons: [{ label: 'Open', action: 'quote.open', value: 'q1' }] },
    { lines: ['second'] },
  ],
  buttons: [
    { label: 'Approve', action: 'quote.approve', value: 'q1', style: 'primary' },
    { label: 'Cancel visit', action: 'visit.cancel', value: 'v1', style: 'danger', confirm: { title: 'Cancel', text: 'Cancel this visit?', ok: 'Yes', cancel: 'No' } },
  ],
  context: ['Requested by Amy'],
  pager: { label: 'Page 2', previous: { label: '‹', action: 'visit.list_page', value: '1' }, next: { label: '›', action: 'visit.list_page', value: '3' } },
};

test('a card with every part is valid Adaptive Card 1.5, buttons are Action.Execute with the action as verb', () => {
  const card = renderAdaptiveCard(everything);
  expect(adaptiveCardProblems(card)).toEqual([]);
  expect(card.actions?.[0]).toEqual({ type: 'Action.Execute', title: 'Approve', verb: 'quote.approve', data: { value: 'q1' }, style: 'positive' });
  // A confirmation is a card that asks first.
  expect(card.actions?.[1]).toMatchObject({ type: 'Action.ShowCard', card: { actions: [{ verb: 'visit.cancel', title: 'Yes' }] } });
  expect(JSON.stringify(card)).toContain('**ACME**');
});

test('the validator catches what Teams would refuse', () => {
  expect(adaptiveCardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock' }] })).not.toEqual([]);
  expect(adaptiveCardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Carousel2' }] })).not.toEqual([]);
  const huge = renderAdaptiveCard({ kind: 'card', sections: [{ lines: Array.from({ length: 900 }, () => '很长的备注'.repeat(20)) }] });
  expect(adaptiveCardProblems(huge).some((p) => p.includes('bytes'))).toBe(true);
});

test('every form of both bots renders as valid inputs in both languages', () => {
  for (const locale of ['en', 'zh-CN']) {
    const ctx = { t: translator(locale), tenant: { defaultCurrency: 'CNY' }, user: { timezone: 'Asia/Shanghai', locale }, now: new Date('2026-11-26T10:00:00Z') } as unknown as CommandContext;
    const forms = [visitLogForm(ctx), visitPlanForm(ctx), visitOutcomeForm(ctx, 'v1'), customerForm(ctx, 'ACME'), newOppForm(ctx), lostReasonForm(ctx, { id: 'o1', shown: 'solution' }), newQuoteForm(ctx)];
    for (const form of forms) {
      const card = renderAdaptiveForm(form);
      expect({ form: form.formId, problems: adaptiveCardProblems(card) }).toEqual({ form: form.formId, problems: [] });
      expect(cardBytes(card)).toBeLessThan(80 * 1024);
      expect(card.actions).toEqual([expect.objectContaining({ type: 'Action.Execute', verb: `form:${form.formId}` })]);
    }
  }
});

test('Slack bold becomes Teams bold, and nothing else changes', () => {
  expect(toTeamsMarkdown('*Revenue won*: *$12,000* (▲ 20%)')).toBe('**Revenue won**: **$12,000** (▲ 20%)');
  expect(toTeamsMarkdown('2 * 3 * 4')).toBe('2 * 3 * 4');
  expect(toTeamsMarkdown('计划：*华为* 明天')).toBe('计划：**华为** 明天');
});
