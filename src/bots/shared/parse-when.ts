import * as chrono from 'chrono-node';
import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';

/**
 * Natural-language times ("tomorrow 10am", "in 2 hours", "明天下午3点", "下周一 9:00") found in
 * free text, in the user's IANA time zone. Pure: the caller passes `now`.
 *
 * Why chrono is not handed the zone directly: chrono 2.10 only understands fixed offsets (or
 * abbreviations), and its Chinese parsers ignore even those (they read the reference date's
 * *system-local* fields). So chrono is given a reference Date whose system-local wall clock equals
 * the user's wall clock, we read back the wall-clock components it found, and luxon turns them into
 * an instant in the user's zone — which is what makes dates across a DST change come out right.
 * Relative times ("in 2 hours", "3小时后") are instead added to `now` as elapsed time.
 */

export type WhenLocale = 'en' | 'zh-CN';

export interface WhenOptions {
  /** IANA zone, e.g. 'Asia/Shanghai'. An unknown zone falls back to UTC. */
  timezone: string;
  now: Date;
  /** Which language wins when English and Chinese parsers read the same words; both always run. */
  locale?: WhenLocale | (string & {});
}

export interface WhenMatch {
  date: Date;
  /** Position of `matched` in the text given (UTF-16 index, as String.prototype.slice uses). */
  index: number;
  /** The exact substring of the input that was read as the time, trimmed. */
  matched: string;
}

/** A date given without a time ("tomorrow", "Dec 3", "明天") means the start of the working day. */
export const defaultHour = 9;

export function parseWhen(text: string, opts: WhenOptions): WhenMatch | null {
  return findWhens(text, opts)[0] ?? null;
}

/**
 * Every time expression in the text, left to right, non-overlapping. Grammar code uses this to
 * skip a match that cannot be the time (e.g. the "Sunday" of a customer called "Sunday Foods").
 */
export function findWhens(text: string, opts: WhenOptions): WhenMatch[] {
  if (!text || !text.trim()) return [];
  const zone = zoneOf(opts.timezone);
  const now = DateTime.fromJSDate(opts.now, { zone });
  const ref = new Date(now.year, now.month - 1, now.day, now.hour, now.minute, now.second, now.millisecond);
  const { normalized, origin } = normalize(text);
  const option: chrono.ParsingOption = { forwardDate: true, timezones: now.offset === 480 ? { CST: 480 } : undefined };
  const prefer: WhenLocale = opts.locale?.startsWith('zh') ? 'zh-CN' : 'en';

  const raw: Array<{ result: chrono.ParsedResult; index: number; end: number; locale: WhenLocale }> = [];
  for (const [locale, parser] of [['en', english], ['zh-CN', chinese]] as const) {
    for (const result of parser.parse(normalized, ref, option)) {
      if (locale === 'en' && isBareDuration(result)) continue;
      let index = result.index;
      // chrono reads "本周五" as "周五"; "本" (this) belongs to the expression.
      if (locale === 'zh-CN' && index > 0 && normalized[index - 1] === '本') index -= 1;
      raw.push({ result, index, end: result.index + result.text.length, locale });
    }
  }
  raw.sort((a, b) => a.index - b.index || b.end - a.end || rank(a.locale, prefer) - rank(b.locale, prefer));

  const picked: typeof raw = [];
  for (const r of raw) {
    const last = picked[picked.length - 1];
    if (!last || r.index >= last.end) picked.push(r);
  }

  const specs = picked.map((r) => ({ ...r, spec: specOf(r.result, normalized.slice(r.index, r.end)) }));
  // "明天 10am": a date in one language followed by a time in the other reads as one expression.
  for (let i = 0; i + 1 < specs.length; i++) {
    const a = specs[i]!;
    const b = specs[i + 1]!;
    if (a.spec.kind === 'wall' && b.spec.kind === 'wall' && a.spec.date && !a.spec.time && !b.spec.date && b.spec.time && /^[\s,，]*(?:at|@|的)?\s*$/i.test(normalized.slice(a.end, b.index))) {
      a.spec = { ...a.spec, time: b.spec.time };
      a.end = b.end;
      specs.splice(i + 1, 1);
    }
  }

  const out: WhenMatch[] = [];
  for (const s of specs) {
    const date = resolve(s.spec, now, zone);
    if (!date) continue;
    const start = origin[s.index]!;
    const end = origin[s.end - 1]! + 1;
    const slice = text.slice(start, end);
    const lead = slice.length - slice.trimStart().length;
    const matched = slice.trim();
    if (!matched) continue;
    out.push({ date, index: start + lead, matched });
  }
  return out;
}

const weekdaysEn = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const monthsEn = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const weekdaysZh = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/**
 * A short, phone-sized confirmation of a time: 'Fri 27 Nov, 10:00' / '11月27日 周五 10:00'.
 * Own name tables rather than ICU's, so the text does not change with the Node build ("Sep"/"Sept").
 * With `now`, the year is shown when it is not the current one.
 */
export function describeWhen(date: Date, timezone: string, locale: WhenLocale | (string & {}) = 'en', now?: Date): string {
  const zone = zoneOf(timezone);
  const dt = DateTime.fromJSDate(date, { zone });
  const showYear = now !== undefined && DateTime.fromJSDate(now, { zone }).year !== dt.year;
  const time = dt.toFormat('HH:mm');
  if (locale.startsWith('zh')) {
    return `${showYear ? `${dt.year}年` : ''}${dt.month}月${dt.day}日 ${weekdaysZh[dt.weekday - 1]} ${time}`;
  }
  return `${weekdaysEn[dt.weekday - 1]} ${dt.day} ${monthsEn[dt.month - 1]}${showYear ? ` ${dt.year}` : ''}, ${time}`;
}

// ---------------------------------------------------------------------------------------------

type Spec =
  | { kind: 'elapsed'; ms: number }
  | {
      kind: 'wall';
      date?: { year: number; month: number; day: number };
      /** Set when only a weekday was named: the date must land on it, and not in the past. */
      weekday?: number;
      time?: { hour: number; minute: number };
      /** An explicit zone in the text ("3pm EST", "UTC+8"), in minutes east of UTC. */
      offset?: number;
    };

function specOf(result: chrono.ParsedResult, text: string): Spec {
  const c = result.start;
  const tags = c.tags();
  if (tags.has('casualReference/now')) return { kind: 'elapsed', ms: 0 };
  if (tags.has('result/relativeDateAndTime')) {
    // chrono added the duration to the wall clock; the difference is the elapsed time wanted.
    return { kind: 'elapsed', ms: wallMillis(c) - wallMillis(null, result.refDate) };
  }
  const spec: Extract<Spec, { kind: 'wall' }> = { kind: 'wall' };
  // chrono's Chinese "上午"/"下午" alone comes with today's date as if it were said; it is a time.
  const dayPartOnly = /^(?:上午|下午|中午|晚上|早上|早晨|凌晨|傍晚|夜里|夜晚)$/.test(text.trim());
  if (!dayPartOnly && (c.isCertain('day') || c.isCertain('month') || c.isCertain('year') || c.isCertain('weekday'))) {
    spec.date = { year: c.get('year')!, month: c.get('month')!, day: c.get('day')! };
    // A bare weekday must not land in the past; and chrono's Chinese merge of "星期三上午" keeps
    // the weekday but loses its date, which shows as a date on another weekday.
    if (c.isCertain('weekday') && (!c.isCertain('day') || weekdayOf(spec.date) !== c.get('weekday'))) spec.weekday = c.get('weekday')!;
  }
  if (c.isCertain('hour')) {
    let hour = c.get('hour')!;
    // "3点" / "at 3" / "3:30" without am/pm: 1–6 is a working-hours afternoon, not the night.
    if (!c.isCertain('meridiem') && hour >= 1 && hour <= 6 && !/(^|[^\d])0\d\s*[:：点时]/.test(text) && !/凌晨|半夜|深夜|早上|早晨|清晨|\bam\b|a\.m\./i.test(text)) hour += 12;
    spec.time = { hour, minute: c.get('minute') ?? 0 };
  } else if (partOfDay.test(text)) {
    // "tomorrow morning" / "明天上午": chrono says 06:00 for mornings; a visit starts at 09:00.
    const hour = c.get('hour') ?? defaultHour;
    spec.time = hour >= 4 && hour < defaultHour ? { hour: defaultHour, minute: 0 } : { hour, minute: c.get('minute') ?? 0 };
  }
  if (c.isCertain('timezoneOffset')) spec.offset = c.get('timezoneOffset')!;
  return spec;
}

/** 0 = Sunday … 6 = Saturday, as chrono counts. */
const weekdayOf = (d: { year: number; month: number; day: number }) => new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();

const partOfDay = /morning|afternoon|evening|night|tonight|noon|midnight|lunch|早|晚|午|夜|凌晨|傍晚/i;

function resolve(spec: Spec, now: DateTime, zone: Zone): Date | null {
  if (spec.kind === 'elapsed') return new Date(now.toMillis() + spec.ms);
  const z = spec.offset !== undefined ? FixedOffsetZone.instance(spec.offset) : zone;
  const time = spec.time ?? { hour: defaultHour, minute: 0 };
  const base = spec.date ?? { year: now.year, month: now.month, day: now.day };
  let dt = DateTime.fromObject({ ...base, ...time, second: 0, millisecond: 0 }, { zone: z });
  if (!dt.isValid) return null;
  if (spec.weekday !== undefined) {
    // luxon: 1 = Monday … 7 = Sunday; chrono: 0 = Sunday … 6 = Saturday.
    const want = spec.weekday === 0 ? 7 : spec.weekday;
    if (dt.weekday !== want) dt = dt.plus({ days: (want - dt.weekday + 7) % 7 });
    if (dt < now) dt = dt.plus({ days: 7 });
  } else if (!spec.date && dt < now) {
    // A time alone that has passed today means that time tomorrow.
    dt = dt.plus({ days: 1 });
  }
  return dt.toJSDate();
}

/** Milliseconds of a wall-clock reading, as if it were UTC: only differences are used. */
function wallMillis(c: chrono.ParsedComponents | null, d?: Date): number {
  if (c) {
    return Date.UTC(c.get('year')!, c.get('month')! - 1, c.get('day')!, c.get('hour') ?? 0, c.get('minute') ?? 0, c.get('second') ?? 0, c.get('millisecond') ?? 0);
  }
  return Date.UTC(d!.getFullYear(), d!.getMonth(), d!.getDate(), d!.getHours(), d!.getMinutes(), d!.getSeconds(), d!.getMilliseconds());
}

function zoneOf(timezone: string): Zone {
  return IANAZone.isValidZone(timezone) ? IANAZone.create(timezone) : FixedOffsetZone.utcInstance;
}

const rank = (locale: WhenLocale, prefer: WhenLocale) => (locale === prefer ? 0 : 1);

/**
 * chrono's casual English reads a number with a unit letter as a duration ("3M" = 3 minutes), which
 * would turn customer names and quantities into times. A relative time needs a word that makes it one.
 */
function isBareDuration(result: chrono.ParsedResult): boolean {
  if (!result.tags().has('result/relativeDate')) return false;
  return !/\b(in|within|after|later|from|next|this|last|ago|before|coming|following|tomorrow|today)\b/i.test(result.text);
}

/**
 * Full-width ASCII (１２：３０) becomes ASCII, one character for one, and a space is put between a
 * Latin letter and a Chinese character ("ACME明天") because chrono's Chinese parsers refuse a match
 * preceded by a word character. `origin[i]` is the input index of normalized character i.
 */
function normalize(text: string): { normalized: string; origin: number[] } {
  let normalized = '';
  const origin: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let ch = text[i]!;
    if (code >= 0xff01 && code <= 0xff5e) ch = String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000) ch = ' ';
    const prev = normalized[normalized.length - 1];
    if (prev !== undefined && /[A-Za-z]/.test(prev) && /[\u3400-\u9fff]/.test(ch)) {
      normalized += ' ';
      origin.push(i);
    }
    normalized += ch;
    origin.push(i);
  }
  return { normalized, origin };
}

// --- parsers ------------------------------------------------------------------------------------

const zhDigits: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 0–99 in Arabic or Chinese numerals ("3", "十五", "二十", "两"); NaN otherwise. */
function zhNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^([一二两三四五六七八九])?(十)?([零〇一二两三四五六七八九])?$/.exec(s);
  if (!m || s === '') return NaN;
  if (!m[2]) return m[1] && !m[3] ? zhDigits[m[1]]! : m[3] && !m[1] ? zhDigits[m[3]]! : NaN;
  return (m[1] ? zhDigits[m[1]]! : 1) * 10 + (m[3] ? zhDigits[m[3]]! : 0);
}

const zhNum = '\\d{1,3}|[零〇一二两三四五六七八九十]{1,3}';

/**
 * "3小时后", "半小时后", "一个半小时后", "两天后", "一周后". Replaces chrono's own parser, which adds
 * the duration to the system clock's fields and so ignores the reference zone.
 */
const zhLaterParser: chrono.Parser = {
  pattern: () => new RegExp(`(${zhNum}|半)\\s*(?:个)?\\s*(半)?\\s*(秒钟?|分钟|分|小时|钟头|天|日|周|星期|礼拜|月|年)\\s*(?:之后|以后|过后|后)`),
  extract: (context, match) => {
    const n = match[1] === '半' ? 0.5 : zhNumber(match[1]!) + (match[2] ? 0.5 : 0);
    if (!Number.isFinite(n) || n <= 0) return null;
    const unit = match[3]!;
    const duration: Record<string, number> = {};
    if (unit.startsWith('秒')) duration.second = n;
    else if (unit.startsWith('分')) duration.minute = n;
    else if (unit === '小时' || unit === '钟头') duration.hour = n;
    else if (unit === '天' || unit === '日') duration.day = n;
    else if (unit === '月') duration.month = n;
    else if (unit === '年') duration.year = n;
    else duration.week = n;
    if (!Number.isInteger(n) && !('hour' in duration || 'minute' in duration || 'day' in duration)) return null;
    if ('day' in duration && !Number.isInteger(n)) return chrono.ParsingComponents.createRelativeFromReference(context.reference, { hour: n * 24 });
    return chrono.ParsingComponents.createRelativeFromReference(context.reference, duration);
  },
};

/** "3号", "15日", "下个月3号", "本月20号": a day of this month (or the next, if it has passed). */
const zhDayOfMonthParser: chrono.Parser = {
  pattern: () => new RegExp(`(?<![\\d零〇一二两三四五六七八九十月])(下个?月|本月|这个?月)?(${zhNum})\\s*(?:号|日)(?![后内前])`),
  extract: (context, match) => {
    const day = zhNumber(match[2]!);
    if (!(day >= 1 && day <= 31)) return null;
    const ref = context.reference.instant;
    let year = ref.getFullYear();
    let month = ref.getMonth() + 1;
    const nextMonth = () => {
      month += 1;
      if (month === 13) [year, month] = [year + 1, 1];
    };
    if (match[1]?.startsWith('下') || (!match[1] && day < ref.getDate())) nextMonth();
    // "31号" in November is the next month that has a 31st.
    if (!match[1] && !DateTime.fromObject({ year, month, day }).isValid) nextMonth();
    if (!DateTime.fromObject({ year, month, day }).isValid) return null;
    return context.createParsingComponents({ year, month, day });
  },
};

/** chrono's English has "tomorrow" but not "the day after tomorrow". */
const enDayAfterTomorrowParser: chrono.Parser = {
  pattern: () => /\b(?:the\s+)?day\s+after\s+tomorrow\b/i,
  extract: (context) => {
    const c = chrono.ParsingComponents.createRelativeFromReference(context.reference, { day: 2 });
    c.addTag('casualReference/dayAfterTomorrow');
    return c;
  },
};

const english = chrono.casual.clone();
english.parsers.push(enDayAfterTomorrowParser);

const chinese = new chrono.Chrono(chrono.zh.hans.createCasualConfiguration());
chinese.parsers = chinese.parsers.filter((p) => p.constructor.name !== 'ZHHansDeadlineFormatParser');
chinese.parsers.push(zhLaterParser, zhDayOfMonthParser);
