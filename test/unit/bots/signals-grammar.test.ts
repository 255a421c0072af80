import { parseSignalsAdmin, signalsExamples } from '../../../src/bots/admin/signals.grammar';
import { tokenize, type Token } from '../../../src/bots/shared/grammar';

/** What `/sfa admin signals <text>` hands the module: the tokens after the verb, and their text as typed. */
function parse(text: string) {
  const tokens = tokenize(text);
  const argText = (from: Token[]) => (from.length === 1 && from[0]!.quoted ? from[0]!.text : from.length ? text.slice(from[0]!.start, from.at(-1)!.end).trim() : '');
  return parseSignalsAdmin(tokens, argText);
}

const defaults = { minCount: 1, windowDays: 30, productSku: null, perProduct: false, urlContains: null, scoreBump: 0, active: true };

describe('/sfa admin signals', () => {
  test.each([
    ['', { kind: 'list' }],
    ['list', { kind: 'list' }],
    ['help', { kind: 'help' }],
    ['示例', { kind: 'help' }],
    ['unmatched', { kind: 'unmatched' }],
    ['未匹配', { kind: 'unmatched' }],
    ['remove "Pricing page"', { kind: 'remove', name: 'Pricing page' }],
    ['删除 Pricing page', { kind: 'remove', name: 'Pricing page' }],
  ])('%j', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  test.each([
    ['add "Pricing page" type=page_view count=3 days=7 sku=SKU-1 url=/pricing bump=10', { name: 'Pricing page', eventType: 'page_view', minCount: 3, windowDays: 7, productSku: 'SKU-1', urlContains: '/pricing', scoreBump: 10 }],
    ['add Product interest type=page_view count=3 days=7 sku=each', { name: 'Product interest', eventType: 'page_view', minCount: 3, windowDays: 7, perProduct: true }],
    ['add “Seminar” type=seminar bump=+15', { name: 'Seminar', eventType: 'seminar_attended', scoreBump: 15 }],
    ['添加 「价目表」 类型=下载 次数=1 天数=14天 网址=price 加分=20', { name: '价目表', eventType: 'download', windowDays: 14, urlContains: 'price', scoreBump: 20 }],
    ['add X type＝form count=１０００ days=365 bump=50 active=no', { name: 'X', eventType: 'form_submitted', minCount: 1000, windowDays: 365, scoreBump: 50, active: false }],
    ['add "a=b" type=custom sku=sku-9', { name: 'a=b', eventType: 'custom', productSku: 'SKU-9' }],
    ['add Two SKUs type=page_view sku=each sku=SKU-2', { name: 'Two SKUs', eventType: 'page_view', productSku: 'SKU-2', perProduct: false }],
  ])('%j', (text, rule) => {
    expect(parse(text)).toEqual({ kind: 'add', rule: { ...defaults, ...rule } });
  });

  test.each([
    ['add', 'missing_name', undefined],
    ['add type=page_view', 'missing_name', undefined],
    ['add "No type" count=3', 'missing_type', undefined],
    ['add X type=clicks', 'bad_value', 'type=clicks'],
    ['add X type=page_view count=0', 'bad_value', 'count=0'],
    ['add X type=page_view count=1001', 'bad_value', 'count=1001'],
    ['add X type=page_view count=2.5', 'bad_value', 'count=2.5'],
    ['add X type=page_view days=366', 'bad_value', 'days=366'],
    ['add X type=page_view bump=51', 'bad_value', 'bump=51'],
    ['add X type=page_view bump=-1', 'bad_value', 'bump=-1'],
    ['add X type=page_view active=maybe', 'bad_value', 'active=maybe'],
    ['add X type=page_view sku=', 'bad_value', 'sku='],
    ['add X type=page_view colour=red', 'bad_option', 'colour=red'],
    ['add X type=page_view stray', 'bad_option', 'stray'],
    ['add X type=page_view "quoted"', 'bad_option', 'quoted'],
    [`add ${'n'.repeat(101)} type=page_view`, 'bad_value', `${'n'.repeat(40)}…`],
    ['remove', 'missing_name', undefined],
    ['frobnicate', 'unknown_verb', 'frobnicate'],
    ['list extra', 'unknown_verb', 'extra'],
  ])('%j is refused (%s) with a usage example', (text, reason, word) => {
    const parsed = parse(text);
    expect(parsed).toMatchObject({ kind: 'invalid', reason, ...(word !== undefined ? { word } : {}) });
    expect(Object.values(signalsExamples)).toContain((parsed as { example: string }).example);
  });
});
