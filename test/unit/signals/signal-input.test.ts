import { checkSignalBatch, isDateTime, signalLimits } from '../../../src/domain/signals/signal-input';
import { trimmedChars } from '../../../src/domain/signals/signal-schema';

const now = new Date('2026-12-01T12:00:00Z');
let seq = 0;
const ev = (extra: Record<string, unknown> = {}) => ({ id: `e${++seq}`, type: 'page_view', at: now.toISOString(), customer: { external_id: 'c1' }, ...extra });
const check = (events: unknown[], suspicious = false) => checkSignalBatch({ events }, now, { suspicious });

test('an event at the edges of its window: 5 minutes ahead and 365 days back are in, a second more is out', () => {
  const at = (ms: number) => ev({ at: new Date(now.getTime() + ms).toISOString() });
  const result = check([at(300_000), at(301_000), at(-365 * 86_400_000), at(-365 * 86_400_000 - 1000)]);
  expect(result.accepted).toBe(2);
  expect(result.skip).toEqual([1, 3]);
  expect(result.rejected.map((r) => [r.index, r.errors])).toEqual([
    [1, [{ path: 'at', message: 'is more than 5 minutes in the future' }]],
    [3, [{ path: 'at', message: 'is more than 365 days old' }]],
  ]);
});

test('`at` is RFC 3339 with seconds and an offset, a real calendar date', () => {
  const ok = ['2026-11-30T09:30:00Z', '2026-11-30T09:30:00.123456+08:00', '2026-11-30T11:59:59-11:30', '2026-02-28T00:00:00.5+00:00'];
  const bad = ['2026-11-30 09:30:00Z', '2026-11-30T09:30Z', '2026-11-30T09:30:00', '2026-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-11-30T24:00:00Z', '2026-11-30T23:59:60Z', '2026-11-30T09:30:00+0800', '2026-11-30T09:30:00z', 'yesterday'];
  const result = checkSignalBatch({ events: [...ok, ...bad].map((at) => ev({ at })) }, new Date('2026-12-01T00:00:00Z'));
  expect(result.rejected.map((r) => r.index)).toEqual(bad.map((_, i) => ok.length + i));
  for (const r of result.rejected) expect(r.errors).toEqual([{ path: 'at', message: expect.stringMatching(/ISO-8601|valid date/) }]);
  expect(['2100-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '2026-12-01T09:30:00+24:00'].map(isDateTime)).toEqual([false, true, false]);
});

test('each bad event is reported by its index with one error per field; the repeated id is a duplicate, skipped', () => {
  seq = 0;
  const first = ev();
  const result = check([
    first,
    ev({ type: 'webinar' }),
    ev({ customer: {} }),
    ev({ customer: { email: 'not-an-email', domain: '-bad-.example' } }),
    { ...first, type: 'download' },
    null,
    { id: 42 },
    ev({ product_sku: '  ', url: 'ftp://files.example/x', properties: [] }),
    ev({ customer: { name: 'tab\there' } }),
  ]);
  expect(result).toEqual({
    accepted: 1,
    duplicates: 1,
    skip: [1, 2, 3, 4, 5, 6, 7, 8],
    rejected: [
      { index: 1, id: 'e2', errors: [{ path: 'type', message: 'must be one of page_view, seminar_attended, download, form_submitted, custom' }] },
      { index: 2, id: 'e3', errors: [{ path: 'customer', message: 'needs at least one of email, domain, name, external_id' }] },
      { index: 3, id: 'e4', errors: [{ path: 'customer.email', message: 'is not an email address' }, { path: 'customer.domain', message: 'is not a domain name such as example.com' }] },
      { index: 5, errors: [{ path: '(event)', message: 'must be an object' }] },
      { index: 6, errors: [{ path: 'type', message: 'is required' }, { path: 'at', message: 'is required' }, { path: 'customer', message: 'is required' }, { path: 'id', message: 'must be a string' }] },
      { index: 7, id: 'e5', errors: [{ path: 'product_sku', message: 'must not be empty or contain control characters' }, { path: 'url', message: 'must be an http or https URL' }, { path: 'properties', message: 'must be an object' }] },
      { index: 8, id: 'e6', errors: [{ path: 'customer.name', message: 'must not be empty or contain control characters' }] },
    ],
  });
  // The duplicate (index 4) is skipped but not rejected: its first occurrence is the one taken.
  expect(result.rejected.map((r) => r.index)).not.toContain(4);
});

test('values may come with spaces around them (they are trimmed when stored); lengths count what was sent', () => {
  const result = check([
    ev({ customer: { email: ' Li@Example.COM\n', domain: '\u3000Example.COM. ', name: ' 华为 ', external_id: '\tX-1 ' }, product_sku: ' SKU ' }),
    ev({ customer: { name: 'x'.repeat(signalLimits.maxNameLength) } }),
    ev({ customer: { name: ` ${'x'.repeat(signalLimits.maxNameLength)}` } }),
  ]);
  expect(result.rejected.map((r) => [r.index, r.errors[0]!.message])).toEqual([[2, 'must be at most 200 characters']]);
});

test('properties: at most 50 keys and 4096 bytes as UTF-8 JSON, exactly at the limit is fine', () => {
  // {"t":"…"} is 8 bytes around the text; 中 is 3 bytes in UTF-8, a quote 2 once escaped.
  const exactly = { t: `${'中'.repeat(1000)}${'"'.repeat(544)}` };
  expect(Buffer.byteLength(JSON.stringify(exactly))).toBe(4096);
  const over = { t: `${exactly.t}x` };
  const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
  const result = check([ev({ properties: exactly }), ev({ properties: over }), ev({ properties: keys(50) }), ev({ properties: keys(51) }), ev({ properties: { deep: JSON.parse('['.repeat(5000) + ']'.repeat(5000)) } })]);
  expect(result.rejected.map((r) => [r.index, r.errors])).toEqual([
    [1, [{ path: 'properties', message: 'is larger than 4096 bytes as JSON' }]],
    [3, [{ path: 'properties', message: 'has more than 50 keys' }]],
    [4, [{ path: 'properties', message: 'is larger than 4096 bytes as JSON' }]],
  ]);
});

test('when the body has a \\u0000 or \\uDxxx escape, good events are searched for what jsonb cannot keep', () => {
  const events = [ev({ properties: { nul: 'a\u0000b' } }), ev({ customer: { name: 'bad \ud800 half' } }), ev({ customer: { name: '😀 fine' }, properties: { 'k\u0000': 1 } }), ev({ customer: { name: '😀 fine' } })];
  expect(check(events, true).rejected.map((r) => [r.index, r.errors])).toEqual([
    [0, [{ path: 'properties', message: 'contains a NUL character' }]],
    [1, [{ path: 'customer.name', message: 'contains an unpaired surrogate (\\ud800–\\udfff)' }]],
    [2, [{ path: 'properties', message: 'contains a NUL character' }]],
  ]);
});

test('the characters trimmed in SQL are exactly those \\s matches in a schema pattern and trim() removes', () => {
  const sqlSet = new RegExp(`^[${trimmedChars}]$`);
  for (let code = 0; code <= 0xffff; code++) {
    const c = String.fromCharCode(code);
    const inSql = sqlSet.test(c);
    if (inSql !== /^\s$/.test(c) || inSql !== (c.trim() === '')) throw new Error(`U+${code.toString(16)}: sql ${inSql}, \\s ${/^\s$/.test(c)}, trim ${c.trim() === ''}`);
  }
});

test('lengths count characters (code points): 200 emoji are a name of 200, 201 are one too many; astral characters do not count twice', () => {
  const name = (n: number) => '😀'.repeat(n);
  const result = check([ev({ customer: { name: name(200) } }), ev({ customer: { name: name(201) } }), ev({ customer: { name: 'x'.repeat(201) } }), ev({ id: `${'😀'.repeat(10)}` }), ev({ customer: { name: `${name(150)} ${'x'.repeat(49)}` } })]);
  expect(result.rejected.map((r) => [r.index, r.errors])).toEqual([
    [1, [{ path: 'customer.name', message: 'must be at most 200 characters' }]],
    [2, [{ path: 'customer.name', message: 'must be at most 200 characters' }]],
    // Not visible ASCII (the pattern), and that alone: 10 characters are within 200.
    [3, [{ path: 'id', message: 'must be visible ASCII characters (no spaces)' }]],
  ]);
  expect(result.accepted).toBe(2);
});

test('the same `at` over and over is judged each time by its text (the remembered answer is for that text only)', () => {
  const valid = '2026-11-30T09:30:00Z';
  expect([valid, valid, '2026-02-29T00:00:00Z', '2026-02-29T00:00:00Z', valid].map(isDateTime)).toEqual([true, true, false, false, true]);
});
