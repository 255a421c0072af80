import { DateTime, type DateObjectUnits } from 'luxon';
import { adminExamples, parseSfaCommand, userRef, type SfaCommand } from '../../../src/bots/admin/admin.grammar';
import { customerExamples, parseCustomerCommand, type CustomerCommand } from '../../../src/bots/customers/customer.grammar';
import { oppExamples, parseOppCommand, type OppCommand } from '../../../src/bots/opportunities/opp.grammar';
import { tokenize } from '../../../src/bots/shared/grammar';
import { parseVisitCommand, visitExamples, type VisitCommand } from '../../../src/bots/visits/visit.grammar';

// Each grammar keeps its own examples; the tests read them under one name.
const examples = {
  visitLog: visitExamples.log,
  visitLogQuoted: visitExamples.logQuoted,
  visitPlan: visitExamples.plan,
  visitPlanQuoted: visitExamples.planQuoted,
  visitPlanZh: visitExamples.planZh,
  visitList: visitExamples.list,
  visitForm: visitExamples.form,
  customerShow: customerExamples.show,
  customerNew: customerExamples.new,
  customerPool: customerExamples.pool,
  oppList: oppExamples.list,
  oppTeam: oppExamples.team,
  oppShow: oppExamples.show,
  oppNew: oppExamples.new,
  oppNewQuoted: oppExamples.newQuoted,
  sfaHelp: adminExamples.sfaHelp,
  adminHelp: adminExamples.admin,
  adminUnits: adminExamples.units,
  adminUsers: adminExamples.users,
  adminRole: adminExamples.role,
  adminUnit: adminExamples.unit,
  adminManager: adminExamples.manager,
  adminUnitCreate: adminExamples.unitCreate,
};

const shanghai = 'Asia/Shanghai';
const at = (o: DateObjectUnits, zone = shanghai): Date => DateTime.fromObject({ second: 0, millisecond: 0, ...o }, { zone }).toJSDate();
// Thursday 26 Nov 2026, 10:17 in Shanghai.
const now = new Date('2026-11-26T02:17:00Z');
const visit = (text: string) => parseVisitCommand(text, { timezone: shanghai, now });

describe('tokenize', () => {
  test.each<[string, Array<[string, boolean]>]>([
    ['ACME met the CFO', [['ACME', false], ['met', false], ['the', false], ['CFO', false]]],
    ['华为　拜访　顺利', [['华为', false], ['拜访', false], ['顺利', false]]], // full-width spaces
    ['"ACME Corp" met', [['ACME Corp', true], ['met', false]]],
    ['“ACME  Corp” met', [['ACME Corp', true], ['met', false]]],
    ['「华为 技术」 交流', [['华为 技术', true], ['交流', false]]],
    ['『华为』 交流', [['华为', true], ['交流', false]]],
    ['"unclosed quote', [['"unclosed', false], ['quote', false]]],
    ['<@U1|amy lee> manager', [['<@U1|amy lee>', false], ['manager', false]]],
    ['', []],
  ])('%j', (text, expected) => {
    expect(tokenize(text).map((t) => [t.text, t.quoted])).toEqual(expected);
  });

  test('spans point into the input', () => {
    const text = ' “ACME Corp”  met';
    const [name, met] = tokenize(text);
    expect(text.slice(name!.start, name!.end)).toBe('“ACME Corp”');
    expect(text.slice(met!.start, met!.end)).toBe('met');
  });
});

describe('parseVisitCommand', () => {
  test.each<[string, VisitCommand]>([
    ['', { kind: 'form' }],
    ['   ', { kind: 'form' }],
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['帮助', { kind: 'help' }],
    ['list', { kind: 'list' }],
    ['列表', { kind: 'list' }],
    // plans
    ['plan ACME tomorrow 10am pricing review', { kind: 'plan', customer: 'ACME', when: at({ year: 2026, month: 11, day: 27, hour: 10 }), whenText: 'tomorrow 10am', purpose: 'pricing review' }],
    ['plan ACME Corp in 2 hours', { kind: 'plan', customer: 'ACME Corp', when: new Date('2026-11-26T04:17:00Z'), whenText: 'in 2 hours' }],
    ['plan ACME Corp at 3pm', { kind: 'plan', customer: 'ACME Corp', when: at({ year: 2026, month: 11, day: 26, hour: 15 }), whenText: 'at 3pm' }],
    ['plan ACME Inc. Dec 3 14:30, renewal', { kind: 'plan', customer: 'ACME Inc.', when: at({ year: 2026, month: 12, day: 3, hour: 14, minute: 30 }), whenText: 'Dec 3 14:30', purpose: 'renewal' }],
    ['plan "ACME Corp" next monday at 3pm pricing', { kind: 'plan', customer: 'ACME Corp', when: at({ year: 2026, month: 11, day: 30, hour: 15 }), whenText: 'next monday at 3pm', purpose: 'pricing' }],
    ['plan “ACME Corp” 明天 10am', { kind: 'plan', customer: 'ACME Corp', when: at({ year: 2026, month: 11, day: 27, hour: 10 }), whenText: '明天 10am' }],
    ['plan "ACME" to review pricing tomorrow 10am with the CFO', { kind: 'plan', customer: 'ACME', when: at({ year: 2026, month: 11, day: 27, hour: 10 }), whenText: 'tomorrow 10am', purpose: 'to review pricing with the CFO' }],
    ['plan Sunday Foods tomorrow 3pm, demo', { kind: 'plan', customer: 'Sunday Foods', when: at({ year: 2026, month: 11, day: 27, hour: 15 }), whenText: 'tomorrow 3pm', purpose: 'demo' }],
    ['计划 华为 明天下午3点 谈价格', { kind: 'plan', customer: '华为', when: at({ year: 2026, month: 11, day: 27, hour: 15 }), whenText: '明天下午3点', purpose: '谈价格' }],
    ['计划华为明天下午3点谈价格', { kind: 'plan', customer: '华为', when: at({ year: 2026, month: 11, day: 27, hour: 15 }), whenText: '明天下午3点', purpose: '谈价格' }],
    ['plan　华为　后天上午10点半　交流', { kind: 'plan', customer: '华为', when: at({ year: 2026, month: 11, day: 28, hour: 10, minute: 30 }), whenText: '后天上午10点半', purpose: '交流' }],
    ['plan 「华为 技术」 下周一 9:00', { kind: 'plan', customer: '华为 技术', when: at({ year: 2026, month: 11, day: 30, hour: 9 }), whenText: '下周一 9:00' }],
    ['plan 腾讯 3小时后', { kind: 'plan', customer: '腾讯', when: new Date('2026-11-26T05:17:00Z'), whenText: '3小时后' }],
    ['plan 阿里 12月3日 下午2点 续约', { kind: 'plan', customer: '阿里', when: at({ year: 2026, month: 12, day: 3, hour: 14 }), whenText: '12月3日 下午2点', purpose: '续约' }],
    // a plan that cannot be completed
    ['plan', { kind: 'invalid', reason: 'missing_when', example: examples.visitPlan }],
    ['plan ,', { kind: 'invalid', reason: 'missing_when', example: examples.visitPlan }],
    ['plan ACME', { kind: 'invalid', reason: 'missing_when', understood: { customer: 'ACME' }, example: examples.visitPlan }],
    ['plan ACME Corp sometime', { kind: 'invalid', reason: 'missing_when', understood: { customer: 'ACME Corp sometime' }, example: examples.visitPlan }],
    ['plan "ACME Corp" soon', { kind: 'invalid', reason: 'missing_when', understood: { customer: 'ACME Corp' }, example: examples.visitPlan }],
    ['plan tomorrow 10am', { kind: 'invalid', reason: 'missing_customer', understood: { when: at({ year: 2026, month: 11, day: 27, hour: 10 }), whenText: 'tomorrow 10am' }, example: examples.visitPlan }],
    ['plan "" tomorrow', { kind: 'invalid', reason: 'missing_customer', understood: { when: at({ year: 2026, month: 11, day: 27, hour: 9 }), whenText: 'tomorrow' }, example: examples.visitPlan }],
    // logs
    ['ACME met the CFO, wants a quote', { kind: 'log', words: ['ACME', 'met', 'the', 'CFO,', 'wants', 'a', 'quote'], text: 'ACME met the CFO, wants a quote' }],
    ['"ACME Corp" met the CFO', { kind: 'log', customer: 'ACME Corp', words: ['met', 'the', 'CFO'], text: '"ACME Corp" met the CFO' }],
    ['“华为 技术” 拜访顺利', { kind: 'log', customer: '华为 技术', words: ['拜访顺利'], text: '“华为 技术” 拜访顺利' }],
    ['华为　拜访顺利', { kind: 'log', words: ['华为', '拜访顺利'], text: '华为　拜访顺利' }],
    ['list of items ACME asked for', { kind: 'log', words: ['list', 'of', 'items', 'ACME', 'asked', 'for'], text: 'list of items ACME asked for' }],
    ['Help Scout demo went well', { kind: 'log', words: ['Help', 'Scout', 'demo', 'went', 'well'], text: 'Help Scout demo went well' }],
    ['planet foods met buyer', { kind: 'log', words: ['planet', 'foods', 'met', 'buyer'], text: 'planet foods met buyer' }],
    ['"plan" met buyer', { kind: 'log', customer: 'plan', words: ['met', 'buyer'], text: '"plan" met buyer' }],
    // a glued Chinese keyword that does not make a plan is a customer name
    ['计划生育办公室 拜访了主任', { kind: 'log', words: ['计划生育办公室', '拜访了主任'], text: '计划生育办公室 拜访了主任' }],
  ])('%j', (text, expected) => {
    expect(visit(text)).toEqual(expected);
  });

  test('uses the user’s time zone', () => {
    const parsed = parseVisitCommand('plan ACME tomorrow 10am', { timezone: 'America/New_York', now });
    expect(parsed).toMatchObject({ kind: 'plan', when: at({ year: 2026, month: 11, day: 26, hour: 10 }, 'America/New_York') });
  });
});

describe('parseCustomerCommand', () => {
  test.each<[string, CustomerCommand]>([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['帮助', { kind: 'help' }],
    ['new', { kind: 'form' }],
    ['新建', { kind: 'form' }],
    ['new ACME Corp', { kind: 'form', name: 'ACME Corp' }],
    ['new "ACME Corp"', { kind: 'form', name: 'ACME Corp' }],
    ['pool', { kind: 'pool' }],
    ['公海', { kind: 'pool' }],
    ['pool 2', { kind: 'pool', page: 2 }],
    ['公海　3', { kind: 'pool', page: 3 }],
    ['pool 0', { kind: 'show', query: 'pool 0' }],
    ['pool party supplies', { kind: 'show', query: 'pool party supplies' }],
    ['ACME Corp', { kind: 'show', query: 'ACME Corp' }],
    ['  ACME　 Corp ', { kind: 'show', query: 'ACME Corp' }],
    ['"ACME Corp"', { kind: 'show', query: 'ACME Corp' }],
    ['"pool"', { kind: 'show', query: 'pool' }],
    ['华为', { kind: 'show', query: '华为' }],
    ['help desk inc', { kind: 'show', query: 'help desk inc' }],
    ['""', { kind: 'help' }],
  ])('%j', (text, expected) => {
    expect(parseCustomerCommand(text)).toEqual(expected);
  });
});

describe('parseOppCommand', () => {
  test.each<[string, OppCommand]>([
    ['', { kind: 'list', whose: 'mine' }],
    ['mine', { kind: 'list', whose: 'mine' }],
    ['team', { kind: 'list', whose: 'team' }],
    ['团队', { kind: 'list', whose: 'team' }],
    ['help', { kind: 'help' }],
    ['帮助', { kind: 'help' }],
    ['ACME', { kind: 'show', query: 'ACME' }],
    ['team rocket', { kind: 'show', query: 'team rocket' }],
    ['"new"', { kind: 'show', query: 'new' }],
    ['新建材料公司', { kind: 'show', query: '新建材料公司' }],
    ['new ACME 50000 Pilot project', { kind: 'new', customer: 'ACME', amount: '50000.00', title: 'Pilot project' }],
    ['new ACME Corp 50k USD Pilot', { kind: 'new', customer: 'ACME Corp', amount: '50000.00', currency: 'USD', title: 'Pilot' }],
    ['new ACME USD 50000 Pilot', { kind: 'new', customer: 'ACME', amount: '50000.00', currency: 'USD', title: 'Pilot' }],
    ['new ACME $1,200 Support', { kind: 'new', customer: 'ACME', amount: '1200.00', currency: 'USD', title: 'Support' }],
    ['new ACME $1,200 USD Support', { kind: 'new', customer: 'ACME', amount: '1200.00', currency: 'USD', title: 'Support' }],
    ['new "3M China" 1.2m USD Plant upgrade', { kind: 'new', customer: '3M China', amount: '1200000.00', currency: 'USD', title: 'Plant upgrade' }],
    ['new “3M China” EUR 300 Parts', { kind: 'new', customer: '3M China', amount: '300.00', currency: 'EUR', title: 'Parts' }],
    ['new 3M 50000 Pilot', { kind: 'new', customer: '3M', amount: '50000.00', title: 'Pilot' }],
    // unquoted, an amount-like word inside a name is read as the amount (hence the quoting rule)
    ['new Foo 3M Division 50000 Pilot', { kind: 'new', customer: 'Foo', amount: '3000000.00', title: 'Division 50000 Pilot' }],
    ['new ACME ¥50000 "Phase 2 rollout"', { kind: 'new', customer: 'ACME', amount: '50000.00', currency: 'CNY', title: 'Phase 2 rollout' }],
    ['new ACME 50000 Phase 2, "gold" tier', { kind: 'new', customer: 'ACME', amount: '50000.00', title: 'Phase 2, "gold" tier' }],
    ['新建 华为 5万 试点项目', { kind: 'new', customer: '华为', amount: '50000.00', title: '试点项目' }],
    ['新建华为 5万元 试点项目', { kind: 'new', customer: '华为', amount: '50000.00', currency: 'CNY', title: '试点项目' }],
    ['new　华为技术　1.5万　人民币　年度维保', { kind: 'new', customer: '华为技术', amount: '15000.00', currency: 'CNY', title: '年度维保' }],
    // invalid
    ['new', { kind: 'invalid', reason: 'missing_customer', example: examples.oppNew }],
    ['new 50000 Pilot', { kind: 'invalid', reason: 'missing_customer', understood: { amount: '50000.00' }, example: examples.oppNew }],
    ['new "" 5000 Pilot', { kind: 'invalid', reason: 'missing_customer', example: examples.oppNewQuoted }],
    ['new ACME Pilot', { kind: 'invalid', reason: 'missing_amount', understood: { customer: 'ACME Pilot' }, example: examples.oppNew }],
    ['new "ACME" Pilot', { kind: 'invalid', reason: 'missing_amount', understood: { customer: 'ACME' }, example: examples.oppNew }],
    ['new ACME 12abc Pilot', { kind: 'invalid', reason: 'missing_amount', understood: { customer: 'ACME 12abc Pilot' }, example: examples.oppNew }],
    ['new ACME -500 Pilot', { kind: 'invalid', reason: 'missing_amount', understood: { customer: 'ACME -500 Pilot' }, example: examples.oppNew }],
    ['new ACME 50000', { kind: 'invalid', reason: 'missing_title', understood: { customer: 'ACME', amount: '50000.00' }, example: examples.oppNew }],
    ['new ACME 50000 usd', { kind: 'invalid', reason: 'missing_title', understood: { customer: 'ACME', amount: '50000.00', currency: 'USD' }, example: examples.oppNew }],
    ['new ACME $5000 EUR Pilot', { kind: 'invalid', reason: 'conflicting_currency', understood: { customer: 'ACME', amount: '5000.00' }, example: examples.oppNew }],
  ])('%j', (text, expected) => {
    expect(parseOppCommand(text)).toEqual(expected);
  });
});

describe('parseSfaCommand', () => {
  test.each<[string, SfaCommand]>([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['帮助', { kind: 'help' }],
    ['admin', { kind: 'admin_help' }],
    ['admin help', { kind: 'admin_help' }],
    ['ADMIN UNITS', { kind: 'admin_units' }],
    ['admin units', { kind: 'admin_units' }],
    ['admin users', { kind: 'admin_users' }],
    ['admin role <@U123|amy> manager', { kind: 'admin_role', user: 'U123', role: 'manager' }],
    ['admin role <@U123> admin', { kind: 'admin_role', user: 'U123', role: 'admin' }],
    ['admin role <@W9ABC|Amy Lee> Rep', { kind: 'admin_role', user: 'W9ABC', role: 'rep' }],
    ['admin role amy@example.com rep', { kind: 'admin_role', user: 'amy@example.com', role: 'rep' }],
    ['admin role <@U123|amy> 经理', { kind: 'admin_role', user: 'U123', role: 'manager' }],
    ['admin unit <@U123|amy> Sales/East', { kind: 'admin_unit', user: 'U123', unit: 'Sales/East' }],
    ['admin unit <@U123|amy> "Sales/East Coast"', { kind: 'admin_unit', user: 'U123', unit: 'Sales/East Coast' }],
    ['admin unit <@U123|amy> Sales / East Coast', { kind: 'admin_unit', user: 'U123', unit: 'Sales / East Coast' }],
    ['admin manager Sales/East <@U7|li>', { kind: 'admin_manager', unit: 'Sales/East', user: 'U7' }],
    ['admin manager "Sales/East Coast" li@example.com', { kind: 'admin_manager', unit: 'Sales/East Coast', user: 'li@example.com' }],
    ['admin unit-create Sales/East/Shanghai', { kind: 'admin_unit_create', unit: 'Sales/East/Shanghai' }],
    ['admin unit-create 销售部/华东区', { kind: 'admin_unit_create', unit: '销售部/华东区' }],
    // invalid
    ['report', { kind: 'invalid', reason: 'unknown_command', example: examples.sfaHelp }],
    ['admin frobnicate', { kind: 'invalid', reason: 'unknown_command', example: examples.adminHelp }],
    ['admin role', { kind: 'invalid', reason: 'missing_user', example: examples.adminRole }],
    ['admin role @amy manager', { kind: 'invalid', reason: 'bad_user', example: examples.adminRole }],
    ['admin role <@U123|amy>', { kind: 'invalid', reason: 'bad_role', understood: { user: 'U123' }, example: examples.adminRole }],
    ['admin role <@U123|amy> boss', { kind: 'invalid', reason: 'bad_role', understood: { user: 'U123' }, example: examples.adminRole }],
    ['admin role <@U123|amy> manager extra', { kind: 'invalid', reason: 'bad_role', understood: { user: 'U123' }, example: examples.adminRole }],
    ['admin unit', { kind: 'invalid', reason: 'missing_user', example: examples.adminUnit }],
    ['admin unit amy Sales/East', { kind: 'invalid', reason: 'bad_user', example: examples.adminUnit }],
    ['admin unit <@U123|amy>', { kind: 'invalid', reason: 'missing_unit', understood: { user: 'U123' }, example: examples.adminUnit }],
    ['admin manager', { kind: 'invalid', reason: 'missing_unit', example: examples.adminManager }],
    ['admin manager Sales/East', { kind: 'invalid', reason: 'missing_user', understood: { unit: 'Sales/East' }, example: examples.adminManager }],
    ['admin manager Sales/East amy', { kind: 'invalid', reason: 'bad_user', understood: { unit: 'Sales/East' }, example: examples.adminManager }],
    ['admin manager <@U1>', { kind: 'invalid', reason: 'missing_unit', understood: { user: 'U1' }, example: examples.adminManager }],
    ['admin unit-create', { kind: 'invalid', reason: 'missing_unit', example: examples.adminUnitCreate }],
  ])('%j', (text, expected) => {
    expect(parseSfaCommand(text)).toEqual(expected);
  });
});

describe('userRef', () => {
  test.each<[string | undefined, string | null]>([
    ['<@U123|amy>', 'U123'],
    ['<@U123>', 'U123'],
    ['<@W0ABC>', 'W0ABC'],
    ['amy@example.com', 'amy@example.com'],
    ['Amy.Lee@Example.co.uk', 'Amy.Lee@Example.co.uk'],
    ['3f2504e0-4f89-11d3-9a0c-0305e82c3301', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'],
    ['@amy', null],
    ['amy', null],
    ['<#C123|general>', null],
    ['<@u123>', null],
    ['amy@localhost', null],
    ['', null],
    [undefined, null],
  ])('%j', (word, expected) => {
    expect(userRef(word)).toBe(expected);
  });
});

describe('examples', () => {
  test('every example parses into what it shows', () => {
    const strip = (e: string) => e.replace(/^\/\w+\s*/, '');
    expect(visit(strip(examples.visitPlan)).kind).toBe('plan');
    expect(visit(strip(examples.visitPlanQuoted)).kind).toBe('plan');
    expect(visit(strip(examples.visitPlanZh)).kind).toBe('plan');
    expect(visit(strip(examples.visitLog)).kind).toBe('log');
    expect(visit(strip(examples.visitLogQuoted))).toMatchObject({ kind: 'log', customer: 'ACME Corp' });
    expect(visit(strip(examples.visitList)).kind).toBe('list');
    expect(visit(strip(examples.visitForm)).kind).toBe('form');
    expect(parseCustomerCommand(strip(examples.customerShow)).kind).toBe('show');
    expect(parseCustomerCommand(strip(examples.customerNew)).kind).toBe('form');
    expect(parseCustomerCommand(strip(examples.customerPool)).kind).toBe('pool');
    expect(parseOppCommand(strip(examples.oppList))).toEqual({ kind: 'list', whose: 'mine' });
    expect(parseOppCommand(strip(examples.oppTeam))).toEqual({ kind: 'list', whose: 'team' });
    expect(parseOppCommand(strip(examples.oppShow)).kind).toBe('show');
    expect(parseOppCommand(strip(examples.oppNew)).kind).toBe('new');
    expect(parseOppCommand(strip(examples.oppNewQuoted))).toMatchObject({ kind: 'new', customer: '3M China' });
    expect(parseSfaCommand(strip(examples.sfaHelp)).kind).toBe('help');
    expect(parseSfaCommand(strip(examples.adminHelp)).kind).toBe('admin_help');
    expect(parseSfaCommand(strip(examples.adminUnits)).kind).toBe('admin_units');
    expect(parseSfaCommand(strip(examples.adminUsers)).kind).toBe('admin_users');
    expect(parseSfaCommand(strip(examples.adminUnitCreate)).kind).toBe('admin_unit_create');
    // "@amy" is what a user types; Slack delivers it as a mention when the command escapes users
    expect(parseSfaCommand(strip(examples.adminRole).replace('@amy', '<@U1|amy>')).kind).toBe('admin_role');
    expect(parseSfaCommand(strip(examples.adminUnit).replace('@amy', '<@U1|amy>')).kind).toBe('admin_unit');
    expect(parseSfaCommand(strip(examples.adminManager).replace('@li', '<@U2|li>')).kind).toBe('admin_manager');
  });
});

describe('garbage never throws', () => {
  const junk = ['"', '“', '「', '<', '<@', '<@>', '\u0000', '😀😀', '""""', 'plan "', 'new "', 'admin role "', '　　', '\n\tplan\nACME\ntomorrow', 'x'.repeat(5000), '计划'.repeat(200), '1'.repeat(300)];
  test.each(junk.map((j) => [j]))('%j', (text) => {
    expect(() => visit(text)).not.toThrow();
    expect(() => parseCustomerCommand(text)).not.toThrow();
    expect(() => parseOppCommand(text)).not.toThrow();
    expect(() => parseSfaCommand(text)).not.toThrow();
  });
});

test('/visit remind: show or set the reminder lead; a customer called "Remind…" is still a customer', () => {
  const opts = { timezone: 'UTC', now: new Date('2026-11-26T10:00:00Z') };
  expect(parseVisitCommand('remind', opts)).toEqual({ kind: 'remind' });
  expect(parseVisitCommand('remind 15', opts)).toEqual({ kind: 'remind', minutes: 15 });
  expect(parseVisitCommand('提醒 45分钟', opts)).toEqual({ kind: 'remind', minutes: 45 });
  expect(parseVisitCommand('Remind Corp met the CEO', opts).kind).toBe('log');
  // A setting that cannot be read is said to be one, not taken for a customer called "remind".
  expect(parseVisitCommand('remind abc', opts)).toEqual({ kind: 'remind', unreadable: 'abc' });
  expect(parseVisitCommand('remind 100000', opts)).toEqual({ kind: 'remind', unreadable: '100000' });
});
