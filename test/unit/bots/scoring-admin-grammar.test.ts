import { parseChecklistAdmin } from '../../../src/bots/admin/checklist.admin';
import { parseScoringAdmin } from '../../../src/bots/admin/scoring.admin';
import { tokenize, type Token } from '../../../src/bots/shared/grammar';

const scoring = (text: string) => parseScoringAdmin(tokenize(text));
// The same "as typed" text the /sfa command gives a module (quotes of a single quoted word removed).
const checklist = (text: string) => {
  const argText = (from: Token[]) => (from.length === 1 && from[0]!.quoted ? from[0]!.text : from.length ? text.slice(from[0]!.start, from.at(-1)!.end).trim() : '');
  return parseChecklistAdmin(tokenize(text), argText);
};

describe('/sfa admin scoring', () => {
  test.each([
    ['', { kind: 'show' }],
    ['help', { kind: 'usage' }],
    ['reset', { kind: 'reset' }],
    ['重置', { kind: 'reset' }],
    ['weights urgency=30 budget=25 competition=15 decision=20 fit=10', { kind: 'weights', weights: { urgency: 30, budget: 25, competition: 15, decisionMaker: 20, fit: 10 } }],
    ['权重 紧迫度=30 预算＝25 竞争：15 决策人=20 匹配度=10%', { kind: 'weights', weights: { urgency: 30, budget: 25, competition: 15, decisionMaker: 20, fit: 10 } }],
    ['weights Decision-Maker=40 urgency:60', { kind: 'weights', weights: { decisionMaker: 40, urgency: 60 } }],
    ['curve 0:5 50:35 80:70 100:90', { kind: 'curve', curve: [[0, 5], [50, 35], [80, 70], [100, 90]] }],
    ['曲线 0：10 100→80%', { kind: 'curve', curve: [[0, 10], [100, 80]] }],
    ['bands 70 40', { kind: 'bands', high: 70, medium: 40 }],
    ['优先级 80 50', { kind: 'bands', high: 80, medium: 50 }],
  ])('%s', (text, expected) => expect(scoring(text)).toEqual(expected));

  test.each([
    ['weights luck=30', { key: 'unknown_factor', word: 'luck' }],
    ['weights urgency=30 budget=20 urgency=40', { key: 'duplicate_factor', word: 'urgency' }],
    ['weights 紧迫度=30 urgent=40', { key: 'duplicate_factor', word: 'urgent' }],
    ['weights urgency 30', { key: 'bad_weight', word: 'urgency' }],
    ['weights', { key: 'bad_weight', word: '' }],
    ['weights urgency=1000', { key: 'bad_weight', word: 'urgency=1000' }],
    ['curve 0-5 100:90', { key: 'bad_point', word: '0-5' }],
    ['bands 70', { key: 'bad_bands' }],
    ['bands high low', { key: 'bad_bands' }],
  ])('%s is refused with what was wrong', (text, problem) => expect(scoring(text)).toEqual({ kind: 'usage', problem }));

  test('an unknown sub-command or reset with more words is usage', () => {
    expect(scoring('weigths urgency=30')).toEqual({ kind: 'usage' });
    expect(scoring('reset now')).toEqual({ kind: 'usage' });
  });
});

describe('/sfa admin checklist', () => {
  test.each([
    ['', { kind: 'show' }],
    ['help', { kind: 'usage' }],
    ['solution reset', { kind: 'reset', stage: 'solution' }],
    ['谈判 重置', { kind: 'reset', stage: 'negotiation' }],
    ['solution Demo done; Technical fit confirmed;  Scope agreed ', { kind: 'set', stage: 'solution', items: ['Demo done', 'Technical fit confirmed', 'Scope agreed'] }],
    ['方案 完成演示；确认技术匹配；客户认可范围', { kind: 'set', stage: 'solution', items: ['完成演示', '确认技术匹配', '客户认可范围'] }],
    ['initial_contact "Budget; and need" ; Decision maker', { kind: 'set', stage: 'initial_contact', items: ['"Budget', 'and need"', 'Decision maker'] }],
    ['quote "Quote sent"', { kind: 'set', stage: 'quote', items: ['Quote sent'] }],
  ])('%s', (text, expected) => expect(checklist(text)).toEqual(expected));

  test('refusals: unknown or closed stage, no items, more than 10, longer than 120', () => {
    expect(checklist('won Party')).toEqual({ kind: 'usage', problem: { key: 'unknown_stage', word: 'won' } });
    expect(checklist('solution')).toEqual({ kind: 'usage', problem: { key: 'empty' } });
    expect(checklist('solution ; ;')).toEqual({ kind: 'usage', problem: { key: 'empty' } });
    expect(checklist(`solution ${Array.from({ length: 11 }, (_, i) => `item ${i}`).join('; ')}`)).toEqual({ kind: 'usage', problem: { key: 'too_many', count: 11 } });
    expect(checklist(`solution ok; ${'x'.repeat(121)}`)).toEqual({ kind: 'usage', problem: { key: 'too_long', item: `${'x'.repeat(40)}…` } });
    expect(checklist(`solution ${Array.from({ length: 10 }, () => 'y'.repeat(120)).join('; ')}`)).toMatchObject({ kind: 'set' });
  });
});
