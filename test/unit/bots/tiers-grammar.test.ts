import { parseTiersCommand, tiersAdmin, type TiersCommand } from '../../../src/bots/admin/tiers.admin';
import { tokenize, type Token } from '../../../src/bots/shared/grammar';
import type { CommandContext } from '../../../src/bots/pipeline/context';
import { translator } from '../../../src/cards/i18n/i18n';

/** What `/sfa admin tiers <text>` parses to: the same tokens and argText the /sfa command hands a module. */
function parse(text: string): TiersCommand {
  const full = `admin tiers ${text}`;
  const tokens = tokenize(full);
  const argText = (from: Token[]) => (from.length === 1 && from[0]!.quoted ? from[0]!.text : from.length ? full.slice(from[0]!.start, from.at(-1)!.end).trim() : '');
  return parseTiersCommand(tokens.slice(2), argText);
}

describe('/sfa admin tiers grammar', () => {
  // prettier-ignore
  test.each<[string, TiersCommand]>([
    ['', { kind: 'list' }],
    ['list', { kind: 'list' }],
    ['列表', { kind: 'list' }],
    ['help', { kind: 'usage' }],
    ['run', { kind: 'run' }],
    ['重算', { kind: 'run' }],
    ['run now', { kind: 'usage' }],
    ['add "Big accounts East" tier=A key=yes region=East,North won>=500000 at=1',
      { kind: 'add', rule: { name: 'Big accounts East', tier: 'A', keyAccount: true, regions: ['East', 'North'], wonRevenueMin: '500000.00', position: 1 } }],
    ['add Busy ones tier=b interactions>=10',
      { kind: 'add', rule: { name: 'Busy ones', tier: 'B', interactionsMin: 10 } }],
    ['add “Pipeline” tier=B pipeline≥200k industry=Manufacturing；Retail size=1000+',
      { kind: 'add', rule: { name: 'Pipeline', tier: 'B', pipelineMin: '200000.00', industries: ['Manufacturing', 'Retail'], sizes: ['1000+'] } }],
    ['add "East China" tier=A region="East China",North',
      { kind: 'add', rule: { name: 'East China', tier: 'A', regions: ['East China', 'North'] } }],
    ['新增 "华东大客户" 等级=A 重点=是 区域=华东、华北 成交>=50万',
      { kind: 'add', rule: { name: '华东大客户', tier: 'A', keyAccount: true, regions: ['华东', '华北'], wonRevenueMin: '500000.00' } }],
    ['add "Dollar" tier=A won>=$1.5m', { kind: 'add', rule: { name: 'Dollar', tier: 'A', wonRevenueMin: '1500000.00' }, currency: 'USD' }],
    ['add "Key only" tier=C key=no', { kind: 'add', rule: { name: 'Key only', tier: 'C', keyAccount: false } }],
    ['add "No tier" region=East', { kind: 'usage', problem: { key: 'no_tier' } }],
    ['add tier=A', { kind: 'usage', problem: { key: 'no_name' } }],
    ['add "Bad tier" tier=D', { kind: 'usage', problem: { key: 'bad_tier', value: 'D' } }],
    ['add "Twice" tier=A tier=B', { kind: 'usage', problem: { key: 'twice', word: 'tier' } }],
    ['add "Unknown" tier=A colour=red', { kind: 'usage', problem: { key: 'unknown_condition', word: 'colour' } }],
    ['add "Bad amount" tier=A won>=lots', { kind: 'usage', problem: { key: 'bad_amount', word: 'won', value: 'lots' } }],
    ['add "Bad count" tier=A interactions>=2.5', { kind: 'usage', problem: { key: 'bad_count', word: 'interactions', value: '2.5' } }],
    ['add "Position 0" tier=A at=0', { kind: 'usage', problem: { key: 'bad_position', value: '0' } }],
    ['add "Stray" tier=A and more', { kind: 'usage', problem: { key: 'not_condition', word: 'and' } }],
    ['remove "Big accounts East"', { kind: 'remove', name: 'Big accounts East' }],
    ['删除 Busy ones', { kind: 'remove', name: 'Busy ones' }],
    ['remove', { kind: 'usage' }],
    ['add "Bad" tier=D region=East', { kind: 'usage', problem: { key: 'bad_tier', value: 'D' } }],
    ['add "Bad2" tier=A colour=red', { kind: 'usage', problem: { key: 'unknown_condition', word: 'colour' } }],
    ['add "Bad3" tier=A won>=abc', { kind: 'usage', problem: { key: 'bad_amount', word: 'won', value: 'abc' } }],
    ['add "Bad4" tier=A key=maybe', { kind: 'usage', problem: { key: 'bad_key', value: 'maybe' } }],
    ['add "Bad5" tier>=A', { kind: 'usage', problem: { key: 'bad_op', word: 'tier' } }],
    ['add "Bad6" tier=A region=,', { kind: 'usage', problem: { key: 'empty_list', word: 'region' } }],
    ['add "Bad7" tier=A won>=$5 pipeline>=€5', { kind: 'usage', problem: { key: 'mixed_currency' } }],
    ['move "Big accounts East" 3', { kind: 'move', name: 'Big accounts East', position: 3 }],
    ['move Busy ones 1', { kind: 'move', name: 'Busy ones', position: 1 }],
    ['move "Big accounts East"', { kind: 'usage', problem: { key: 'no_position' } }],
    ['move "Busy" 0', { kind: 'usage', problem: { key: 'bad_position', value: '0' } }],
    ['move "Big accounts East" first', { kind: 'usage', problem: { key: 'bad_position', value: 'first' } }],
    ['override "ACME Corp" A', { kind: 'override', customer: 'ACME Corp', tier: 'A' }],
    ['override ACME Corp b key=yes', { kind: 'override', customer: 'ACME Corp', tier: 'B', keyAccount: true }],
    ['override "Plan A" C', { kind: 'override', customer: 'Plan A', tier: 'C' }],
    ['override "ACME" key=no', { kind: 'override', customer: 'ACME', keyAccount: false }],
    ['override "ACME Corp" clear', { kind: 'clear', customer: 'ACME Corp' }],
    ['手动 「华鑫精密」 清除', { kind: 'clear', customer: '华鑫精密' }],
    ['override "ACME"', { kind: 'usage', problem: { key: 'override_what' } }],
    ['override "X" Z', { kind: 'usage', problem: { key: 'bad_tier', value: 'Z' } }],
    ['override A', { kind: 'usage', problem: { key: 'override_what' } }],
    ['override "ACME" key=maybe', { kind: 'usage', problem: { key: 'bad_key', value: 'maybe' } }],
    ['frobnicate', { kind: 'usage' }],
  ])('%s', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  test('a refusal names what was wrong, then the usage, in the reader\'s language', async () => {
    const answer = async (text: string, locale = 'en') => ((await tiersAdmin.run({ t: translator(locale) } as unknown as CommandContext, parse(text))) as { text: string }).text;
    const usageEn = translator('en')('tiers.usage');
    expect(await answer('add "Bad" tier=D region=East')).toBe(`tier must be A, B or C (got D).\n${usageEn}`);
    expect(await answer('add "Bad2" tier=A colour=red')).toBe(`Unknown condition colour: use tier, key, region, industry, size, won, interactions, pipeline or at.\n${usageEn}`);
    expect(await answer('add "X" tier=A won>=abc')).toMatch(/^won needs an amount like 500000, 500k or 1\.5m \(got abc\)\.\n/);
    expect(await answer('override "X" Z')).toMatch(/^tier must be A, B or C \(got Z\)\.\n/);
    expect(await answer('move "Busy" 0')).toMatch(/^The position must be a whole number from 1 \(got 0\)\.\n/);
    expect(await answer('add "X" tier=A key=maybe', 'zh-CN')).toMatch(/^重点客户只能填“是”或“否”（yes\/no，收到的是 maybe）。\n\*\/sfa admin tiers\* — 按规则给客户分级/);
    expect(await answer('help')).toBe(usageEn);
  });

  test('listing and usage read; whole-tenant recomputes are queued; an override writes inline', () => {
    expect(tiersAdmin.writes({ kind: 'list' })).toBe(false);
    expect(tiersAdmin.writes({ kind: 'usage' })).toBe(false);
    for (const text of ['run', 'add "X" tier=A', 'remove X', 'move X 1']) expect(tiersAdmin.writes(parse(text))).toBe('queued');
    for (const text of ['override X A', 'override X clear']) expect(tiersAdmin.writes(parse(text))).toBe('inline');
    expect(tiersAdmin.verbs).toEqual(['tiers', 'tier', '分级']);
  });
});
