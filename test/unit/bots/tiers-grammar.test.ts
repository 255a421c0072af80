import { parseTiersCommand, tiersAdmin, type TiersCommand } from '../../../src/bots/admin/tiers.admin';
import { tokenize, type Token } from '../../../src/bots/shared/grammar';

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
    ['add "No tier" region=East', { kind: 'usage' }],
    ['add tier=A', { kind: 'usage' }],
    ['add "Bad tier" tier=D', { kind: 'usage' }],
    ['add "Twice" tier=A tier=B', { kind: 'usage' }],
    ['add "Unknown" tier=A colour=red', { kind: 'usage' }],
    ['add "Bad amount" tier=A won>=lots', { kind: 'usage' }],
    ['add "Bad count" tier=A interactions>=2.5', { kind: 'usage' }],
    ['add "Position 0" tier=A at=0', { kind: 'usage' }],
    ['add "Stray" tier=A and more', { kind: 'usage' }],
    ['remove "Big accounts East"', { kind: 'remove', name: 'Big accounts East' }],
    ['删除 Busy ones', { kind: 'remove', name: 'Busy ones' }],
    ['remove', { kind: 'usage' }],
    ['move "Big accounts East" 3', { kind: 'move', name: 'Big accounts East', position: 3 }],
    ['move Busy ones 1', { kind: 'move', name: 'Busy ones', position: 1 }],
    ['move "Big accounts East"', { kind: 'usage' }],
    ['move "Big accounts East" first', { kind: 'usage' }],
    ['override "ACME Corp" A', { kind: 'override', customer: 'ACME Corp', tier: 'A' }],
    ['override ACME Corp b key=yes', { kind: 'override', customer: 'ACME Corp', tier: 'B', keyAccount: true }],
    ['override "Plan A" C', { kind: 'override', customer: 'Plan A', tier: 'C' }],
    ['override "ACME" key=no', { kind: 'override', customer: 'ACME', keyAccount: false }],
    ['override "ACME Corp" clear', { kind: 'clear', customer: 'ACME Corp' }],
    ['手动 「华鑫精密」 清除', { kind: 'clear', customer: '华鑫精密' }],
    ['override "ACME"', { kind: 'usage' }],
    ['override A', { kind: 'usage' }],
    ['override "ACME" key=maybe', { kind: 'usage' }],
    ['frobnicate', { kind: 'usage' }],
  ])('%s', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  test('listing and usage read; whole-tenant recomputes are queued; an override writes inline', () => {
    expect(tiersAdmin.writes({ kind: 'list' })).toBe(false);
    expect(tiersAdmin.writes({ kind: 'usage' })).toBe(false);
    for (const text of ['run', 'add "X" tier=A', 'remove X', 'move X 1']) expect(tiersAdmin.writes(parse(text))).toBe('queued');
    for (const text of ['override X A', 'override X clear']) expect(tiersAdmin.writes(parse(text))).toBe('inline');
    expect(tiersAdmin.verbs).toEqual(['tiers', 'tier', '分级']);
  });
});
