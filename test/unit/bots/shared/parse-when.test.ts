import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DateTime, type DateObjectUnits } from 'luxon';
import { describeWhen, findWhens, parseWhen } from '../../../../src/bots/shared/parse-when';

const shanghai = 'Asia/Shanghai';
const newYork = 'America/New_York';
const at = (o: DateObjectUnits, zone = shanghai): Date => DateTime.fromObject({ second: 0, millisecond: 0, ...o }, { zone }).toJSDate();
const plus = (d: Date, minutes: number): Date => new Date(d.getTime() + minutes * 60_000);

// Thursday 26 Nov 2026, 10:17 in Shanghai.
const now = new Date('2026-11-26T02:17:00Z');
const sh = { timezone: shanghai, now };

describe('parseWhen — English, Asia/Shanghai', () => {
  test.each<[string, Date]>([
    ['tomorrow 10am', at({ year: 2026, month: 11, day: 27, hour: 10 })],
    ['in 2 hours', plus(now, 120)],
    ['in 30 minutes', plus(now, 30)],
    ['an hour from now', plus(now, 60)],
    ['next monday at 3pm', at({ year: 2026, month: 11, day: 30, hour: 15 })],
    ['Dec 3 14:30', at({ year: 2026, month: 12, day: 3, hour: 14, minute: 30 })],
    ['12/3 14:00', at({ year: 2026, month: 12, day: 3, hour: 14 })],
    ['2026-12-03 10:00', at({ year: 2026, month: 12, day: 3, hour: 10 })],
    // a time alone: the next one
    ['10am', at({ year: 2026, month: 11, day: 27, hour: 10 })],
    ['11am', at({ year: 2026, month: 11, day: 26, hour: 11 })],
    ['3pm', at({ year: 2026, month: 11, day: 26, hour: 15 })],
    ['9:00', at({ year: 2026, month: 11, day: 27, hour: 9 })],
    ['noon', at({ year: 2026, month: 11, day: 26, hour: 12 })],
    // an hour of 1–6 without am/pm is the afternoon; a leading zero keeps it at night
    ['at 3', at({ year: 2026, month: 11, day: 26, hour: 15 })],
    ['3:30', at({ year: 2026, month: 11, day: 26, hour: 15, minute: 30 })],
    ['03:00', at({ year: 2026, month: 11, day: 27, hour: 3 })],
    ['4am', at({ year: 2026, month: 11, day: 27, hour: 4 })],
    // a date alone: 09:00
    ['tomorrow', at({ year: 2026, month: 11, day: 27, hour: 9 })],
    ['today', at({ year: 2026, month: 11, day: 26, hour: 9 })],
    ['Dec 3', at({ year: 2026, month: 12, day: 3, hour: 9 })],
    ['Nov 20', at({ year: 2027, month: 11, day: 20, hour: 9 })],
    ['in 3 days', at({ year: 2026, month: 11, day: 29, hour: 9 })],
    ['next week', at({ year: 2026, month: 12, day: 3, hour: 9 })],
    ['day after tomorrow 10am', at({ year: 2026, month: 11, day: 28, hour: 10 })],
    ['the day after tomorrow', at({ year: 2026, month: 11, day: 28, hour: 9 })],
    // weekdays: the next one, never in the past
    ['friday', at({ year: 2026, month: 11, day: 27, hour: 9 })],
    ['thursday', at({ year: 2026, month: 12, day: 3, hour: 9 })],
    ['thursday 3pm', at({ year: 2026, month: 11, day: 26, hour: 15 })],
    ['on wednesday 2pm', at({ year: 2026, month: 12, day: 2, hour: 14 })],
    // parts of the day
    ['tomorrow morning', at({ year: 2026, month: 11, day: 27, hour: 9 })],
    ['tomorrow afternoon', at({ year: 2026, month: 11, day: 27, hour: 15 })],
    ['tonight', at({ year: 2026, month: 11, day: 26, hour: 22 })],
    // an explicit zone wins over the user's
    ['tomorrow 10am EST', at({ year: 2026, month: 11, day: 27, hour: 10 }, newYork)],
    ['10am CST', at({ year: 2026, month: 11, day: 27, hour: 10 })], // CST is China time for a user in China
    ['now', now],
  ])('%s', (text, expected) => {
    expect(parseWhen(text, sh)?.date).toEqual(expected);
  });
});

describe('parseWhen — Chinese, Asia/Shanghai', () => {
  test.each<[string, Date]>([
    ['明天下午3点', at({ year: 2026, month: 11, day: 27, hour: 15 })],
    ['后天上午10点半', at({ year: 2026, month: 11, day: 28, hour: 10, minute: 30 })],
    ['下周一 9:00', at({ year: 2026, month: 11, day: 30, hour: 9 })],
    ['下周一上午9点', at({ year: 2026, month: 11, day: 30, hour: 9 })],
    ['3小时后', plus(now, 180)],
    ['3个小时后', plus(now, 180)],
    ['半小时后', plus(now, 30)],
    ['一个半小时后', plus(now, 90)],
    ['10分钟后', plus(now, 10)],
    ['两天后', at({ year: 2026, month: 11, day: 28, hour: 9 })],
    ['一周后', at({ year: 2026, month: 12, day: 3, hour: 9 })],
    ['12月3日 下午2点', at({ year: 2026, month: 12, day: 3, hour: 14 })],
    ['12月3日下午2点', at({ year: 2026, month: 12, day: 3, hour: 14 })],
    ['12月3号', at({ year: 2026, month: 12, day: 3, hour: 9 })],
    ['2027年1月5日', at({ year: 2027, month: 1, day: 5, hour: 9 })],
    ['明天', at({ year: 2026, month: 11, day: 27, hour: 9 })],
    ['后天', at({ year: 2026, month: 11, day: 28, hour: 9 })],
    ['大后天', at({ year: 2026, month: 11, day: 29, hour: 9 })],
    ['明早', at({ year: 2026, month: 11, day: 27, hour: 9 })],
    ['明天上午', at({ year: 2026, month: 11, day: 27, hour: 9 })],
    ['今晚8点', at({ year: 2026, month: 11, day: 26, hour: 20 })],
    ['下午2点半', at({ year: 2026, month: 11, day: 26, hour: 14, minute: 30 })],
    ['上午十点', at({ year: 2026, month: 11, day: 27, hour: 10 })],
    ['3点', at({ year: 2026, month: 11, day: 26, hour: 15 })],
    ['凌晨3点', at({ year: 2026, month: 11, day: 27, hour: 3 })],
    ['周五', at({ year: 2026, month: 11, day: 27, hour: 9 })],
    ['周四', at({ year: 2026, month: 12, day: 3, hour: 9 })],
    ['周四下午3点', at({ year: 2026, month: 11, day: 26, hour: 15 })],
    ['星期三上午', at({ year: 2026, month: 12, day: 2, hour: 9 })],
    ['下周三上午', at({ year: 2026, month: 12, day: 2, hour: 9 })],
    ['礼拜天', at({ year: 2026, month: 11, day: 29, hour: 9 })],
    ['本周五下午两点', at({ year: 2026, month: 11, day: 27, hour: 14 })],
    ['3号', at({ year: 2026, month: 12, day: 3, hour: 9 })],
    ['30号', at({ year: 2026, month: 11, day: 30, hour: 9 })],
    ['31号', at({ year: 2026, month: 12, day: 31, hour: 9 })],
    ['下个月3号', at({ year: 2026, month: 12, day: 3, hour: 9 })],
    ['3号下午2点', at({ year: 2026, month: 12, day: 3, hour: 14 })],
    ['明天 10am', at({ year: 2026, month: 11, day: 27, hour: 10 })],
    ['１２月３日　下午２点', at({ year: 2026, month: 12, day: 3, hour: 14 })],
  ])('%s', (text, expected) => {
    expect(parseWhen(text, { ...sh, locale: 'zh-CN' })?.date).toEqual(expected);
  });
});

describe('parseWhen — where the time is in the text', () => {
  test.each<[string, number, string]>([
    ['ACME tomorrow 10am pricing review', 5, 'tomorrow 10am'],
    ['ACME Corp at 3pm', 10, 'at 3pm'],
    ['华为 明天下午3点 谈价格', 3, '明天下午3点'],
    ['ACME明天下午3点谈价格', 4, '明天下午3点'],
    ['华为明天下午3点谈价格', 2, '明天下午3点'],
    ['拜访 本周五下午两点', 3, '本周五下午两点'],
    ['ACME　１２月３日　下午２点　续约', 5, '１２月３日　下午２点'],
    ['  in 2 hours  ', 2, 'in 2 hours'],
  ])('%s', (text, index, matched) => {
    const found = parseWhen(text, sh);
    expect(found).toMatchObject({ index, matched });
    expect(text.slice(found!.index, found!.index + found!.matched.length)).toBe(matched);
  });

  test('findWhens lists every expression, left to right', () => {
    expect(findWhens('Sunday Foods tomorrow 3pm', sh).map((w) => w.matched)).toEqual(['Sunday', 'tomorrow 3pm']);
  });
});

describe('parseWhen — nothing to find', () => {
  test.each(['', '   ', 'met the CFO, wants a quote', 'wants 50k', '3M', 'ACME 3m', 'Room 5', 'Q4 review', '3 units', '2 hours', 'asdf', '12abc', '5万', '华为 三期项目', '5天内', '第二次拜访'])(
    '%j',
    (text) => {
      expect(parseWhen(text, sh)).toBeNull();
    },
  );
});

describe('parseWhen — time zones', () => {
  test('the same words give a different instant in another zone', () => {
    expect(parseWhen('tomorrow 10am', { timezone: newYork, now })?.date).toEqual(at({ year: 2026, month: 11, day: 26, hour: 10 }, newYork));
  });

  test('the local date decides "tomorrow", not the UTC one', () => {
    // 18:00Z on the 26th is 02:00 on Friday the 27th in Shanghai
    const late = { timezone: shanghai, now: new Date('2026-11-26T18:00:00Z') };
    expect(parseWhen('明天', late)?.date).toEqual(at({ year: 2026, month: 11, day: 28, hour: 9 }));
    expect(parseWhen('tomorrow', late)?.date).toEqual(at({ year: 2026, month: 11, day: 28, hour: 9 }));
    expect(parseWhen('today 3pm', late)?.date).toEqual(at({ year: 2026, month: 11, day: 27, hour: 15 }));
    expect(parseWhen('周五下午3点', late)?.date).toEqual(at({ year: 2026, month: 11, day: 27, hour: 15 }));
  });

  describe('America/New_York across the end of DST (Sun 1 Nov 2026, 02:00 EDT → 01:00 EST)', () => {
    const saturday = { timezone: newYork, now: new Date('2026-10-31T14:00:00Z') }; // Sat 10:00 EDT
    test.each<[string, Date]>([
      ['tomorrow 10am', at({ year: 2026, month: 11, day: 1, hour: 10 }, newYork)],
      ['tomorrow', at({ year: 2026, month: 11, day: 1, hour: 9 }, newYork)],
      ['next monday 9:00', at({ year: 2026, month: 11, day: 2, hour: 9 }, newYork)],
      ['明天上午10点', at({ year: 2026, month: 11, day: 1, hour: 10 }, newYork)],
      ['in 24 hours', new Date('2026-11-01T14:00:00Z')], // elapsed time: 09:00 EST
    ])('%s', (text, expected) => {
      expect(parseWhen(text, saturday)?.date).toEqual(expected);
    });

    test('wall-clock results are in EST after the change', () => {
      expect(parseWhen('tomorrow 10am', saturday)?.date.toISOString()).toBe('2026-11-01T15:00:00.000Z');
    });

    test('relative times are elapsed time, even across the change', () => {
      const justBefore = { timezone: newYork, now: new Date('2026-11-01T05:30:00Z') }; // 01:30 EDT
      expect(parseWhen('in 2 hours', justBefore)?.date.toISOString()).toBe('2026-11-01T07:30:00.000Z');
      expect(parseWhen('3小时后', justBefore)?.date.toISOString()).toBe('2026-11-01T08:30:00.000Z');
    });
  });

  describe('America/New_York across the start of DST (Sun 8 Mar 2026)', () => {
    const saturday = { timezone: newYork, now: new Date('2026-03-07T15:00:00Z') }; // Sat 10:00 EST
    test('tomorrow 10am is EDT', () => {
      expect(parseWhen('tomorrow 10am', saturday)?.date.toISOString()).toBe('2026-03-08T14:00:00.000Z');
    });
    test('a time that does not exist moves forward past the gap', () => {
      expect(parseWhen('tomorrow 2:30am', saturday)?.date.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    });
  });

  test('an unknown zone falls back to UTC', () => {
    expect(parseWhen('tomorrow 10am', { timezone: 'Mars/Olympus', now })?.date.toISOString()).toBe('2026-11-27T10:00:00.000Z');
  });

  test('results do not depend on the server time zone', () => {
    const cases: Array<[string, string, string]> = [
      ['明天下午3点', shanghai, '2026-11-26T18:00:00Z'],
      ['tomorrow 10am', shanghai, '2026-11-26T18:00:00Z'],
      ['3小时后', shanghai, '2026-11-26T18:00:00Z'],
      ['周五', shanghai, '2026-11-26T18:00:00Z'],
      ['3号', shanghai, '2026-11-26T18:00:00Z'],
      ['tomorrow 10am', newYork, '2026-10-31T14:00:00Z'],
      ['in 24 hours', newYork, '2026-10-31T14:00:00Z'],
    ];
    const expected = cases.map(([text, timezone, iso]) => parseWhen(text, { timezone, now: new Date(iso) })?.date.toISOString());
    const module = path.resolve(__dirname, '../../../../src/bots/shared/parse-when.ts');
    const script = `const { parseWhen } = require(${JSON.stringify(module)});
      const cases = ${JSON.stringify(cases)};
      console.log(JSON.stringify(cases.map(([text, timezone, iso]) => parseWhen(text, { timezone, now: new Date(iso) })?.date.toISOString())));`;
    for (const tz of ['America/Los_Angeles', 'Asia/Kolkata']) {
      const run = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8', cwd: path.resolve(__dirname, '../../../..') });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual(expected);
    }
  });
});

describe('describeWhen', () => {
  const friday10 = at({ year: 2026, month: 11, day: 27, hour: 10 });
  test.each<[Date, string, string, Date | undefined, string]>([
    [friday10, shanghai, 'en', undefined, 'Fri 27 Nov, 10:00'],
    [friday10, shanghai, 'zh-CN', undefined, '11月27日 周五 10:00'],
    [friday10, newYork, 'en', undefined, 'Thu 26 Nov, 21:00'],
    [at({ year: 2027, month: 9, day: 5, hour: 9, minute: 5 }), shanghai, 'en', now, 'Sun 5 Sep 2027, 09:05'],
    [at({ year: 2027, month: 9, day: 5, hour: 9, minute: 5 }), shanghai, 'zh-CN', now, '2027年9月5日 周日 09:05'],
    [friday10, shanghai, 'en', now, 'Fri 27 Nov, 10:00'],
  ])('%s in %s (%s)', (date, zone, locale, ref, text) => {
    expect(describeWhen(date, zone, locale, ref)).toBe(text);
  });
});
