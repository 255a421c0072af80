import { computeTier, ruleMatches, type TierFacts, type TierRuleSpec } from '../../../src/domain/customers/tier-engine';

const rule = (id: string, position: number, over: Partial<TierRuleSpec>): TierRuleSpec => ({
  id, name: `Rule ${id}`, position, tier: 'B', keyAccount: false, regions: [], industries: [], sizes: [], wonRevenueMin: null, interactionsMin: null, pipelineMin: null, ...over,
});

// Tried by position, not by the order of this array: "big" (1) before "east" (2) before "busy" (3) before "pipe" (4).
const rules: TierRuleSpec[] = [
  rule('busy', 3, { tier: 'B', interactionsMin: 10 }),
  rule('big', 1, { tier: 'A', keyAccount: true, regions: ['East', 'North'], wonRevenueMin: '500000' }),
  rule('pipe', 4, { tier: 'B', pipelineMin: '200000.50' }),
  rule('east', 2, { tier: 'A', regions: ['East'], industries: ['Manufacturing', '制造业'], sizes: ['1000+'] }),
];

const facts = (over: Partial<TierFacts>): TierFacts => ({
  region: null, industry: null, companySize: null, wonRevenue: '0', interactions: 0, openPipeline: '0',
  tierOverride: null, keyAccountOverride: null, tier: null, keyAccount: false, ...over,
});

// prettier-ignore
const table: Array<[string, Partial<TierFacts>, string | null, boolean, string | null, string]> = [
  // customer                                       facts                                                                   tier  key    rule    source
  ['won exactly the minimum in East',            { region: 'East', wonRevenue: '500000.00' },                               'A', true,  'big',  'rule'],
  ['one cent short of it',                       { region: 'East', wonRevenue: '499999.99' },                               'C', false, null,   'default'],
  ['won plenty but in South (region fails)',     { region: 'South', wonRevenue: '9000000' },                                'C', false, null,   'default'],
  ['North counts too, case and spaces ignored',  { region: '  north ', wonRevenue: '600000' },                              'A', true,  'big',  'rule'],
  ['no region at all never matches a region list', { region: null, wonRevenue: '600000' },                                  'C', false, null,   'default'],
  ['East manufacturing 1000+ (all three lists)', { region: 'East', industry: 'manufacturing', companySize: '1000+' },      'A', false, 'east', 'rule'],
  ['Chinese industry name in the list',          { region: 'East', industry: '制造业', companySize: '1000+' },              'A', false, 'east', 'rule'],
  ['East manufacturing but smaller',             { region: 'East', industry: 'Manufacturing', companySize: '201-1000' },   'C', false, null,   'default'],
  ['both A rules match: position 1 wins',        { region: 'East', industry: 'Manufacturing', companySize: '1000+', wonRevenue: '500000' }, 'A', true, 'big', 'rule'],
  ['exactly 10 interactions',                    { interactions: 10 },                                                      'B', false, 'busy', 'rule'],
  ['9 interactions',                             { interactions: 9 },                                                       'C', false, null,   'default'],
  ['pipeline exactly 200000.50',                 { openPipeline: '200000.50' },                                             'B', false, 'pipe', 'rule'],
  ['pipeline 200000.49',                         { openPipeline: '200000.49' },                                             'C', false, null,   'default'],
  ['busy and big pipeline: busy (3) before pipe (4)', { interactions: 50, openPipeline: '1000000' },                       'B', false, 'busy', 'rule'],
  ['tier override beats the matching rule',      { region: 'East', wonRevenue: '500000', tierOverride: 'C' },              'C', true,  'big',  'override'],
  ['key-account override alone',                 { interactions: 12, keyAccountOverride: true },                            'B', true,  'busy', 'override'],
  ['both overrides, no rule matches',            { tierOverride: 'A', keyAccountOverride: false },                          'A', false, null,   'override'],
  ['decimals beyond floating point',             { openPipeline: '200000.5000000000001' },                                  'B', false, 'pipe', 'rule'],
];

describe('tier engine', () => {
  test.each(table)('%s', (_name, f, tier, keyAccount, ruleId, source) => {
    const result = computeTier(facts(f), rules);
    expect(result).toEqual({ tier, keyAccount, ruleId: ruleId ? `${ruleId}` : null, ruleName: ruleId ? `Rule ${ruleId}` : null, source });
  });

  test('a rule with several conditions needs all of them', () => {
    const strict = rule('strict', 1, { tier: 'A', regions: ['East'], wonRevenueMin: '100', interactionsMin: 3, pipelineMin: '50' });
    const all = facts({ region: 'East', wonRevenue: '100', interactions: 3, openPipeline: '50' });
    expect(ruleMatches(strict, all)).toBe(true);
    for (const miss of [{ region: 'West' }, { wonRevenue: '99.99' }, { interactions: 2 }, { openPipeline: '49.99' }]) {
      expect(ruleMatches(strict, { ...all, ...miss })).toBe(false);
    }
  });

  test('a rule without conditions matches everyone: a catch-all last rule replaces the C default', () => {
    const withCatchAll = [...rules, rule('rest', 99, { tier: 'B' })];
    expect(computeTier(facts({}), withCatchAll)).toMatchObject({ tier: 'B', ruleId: 'rest', source: 'rule' });
  });

  test('without rules tiers are left as people set them; an override still shows', () => {
    expect(computeTier(facts({ tier: 'A', keyAccount: true }), [])).toEqual({ tier: 'A', keyAccount: true, ruleId: null, ruleName: null, source: 'manual' });
    expect(computeTier(facts({ tier: null }), [])).toEqual({ tier: null, keyAccount: false, ruleId: null, ruleName: null, source: 'manual' });
    expect(computeTier(facts({ tier: 'A', tierOverride: 'B' }), [])).toMatchObject({ tier: 'B', source: 'override' });
  });

  test('moving a rule changes who wins', () => {
    const moved = rules.map((r) => (r.id === 'pipe' ? { ...r, position: 0 } : r));
    expect(computeTier(facts({ interactions: 50, openPipeline: '1000000' }), moved)).toMatchObject({ ruleId: 'pipe' });
  });
});
