import fs from 'node:fs';
import path from 'node:path';
import { errorCard, errorText } from '../../../src/cards/i18n/error-text';
import { en } from '../../../src/cards/i18n/en';
import { translator } from '../../../src/cards/i18n/i18n';
import { zhCN } from '../../../src/cards/i18n/zh-CN';
import { DomainError, errorReasons, invalidInput, problemCodes, type ErrorCode } from '../../../src/domain/shared/domain-error';

const locales = ['en', 'zh-CN'] as const;
const pairs = (Object.keys(errorReasons) as ErrorCode[]).flatMap((code) => errorReasons[code].map((reason) => [code, reason] as const));

// What a refusal of each kind carries in the domain: enough for every placeholder.
const sampleDetails: Record<string, Record<string, unknown>> = {
  'forbidden.role': { allowed: ['admin'] },
  'invalid_input.fields': { issues: [{ field: 'notes', code: 'too_long', max: 4000 }], fields: [{ field: 'notes', problem: 'must be at most 4000 characters' }] },
  'invalid_input.unknown_sku': { skus: ['SKU-9'] },
  'conflict.closed': { stage: 'won' },
  'conflict.not_planned': { status: 'cancelled' },
  'conflict.decided': { status: 'approved' },
  'conflict.not_manager': { name: 'Amy' },
  'duplicate.customer': { candidates: [{ id: 'x', name: 'ACME' }] },
};

/** Chinese text with code spans and names taken out may hold no English words. */
const englishIn = (text: string) => text.replace(/`[^`]*`/g, '').replace(/\bSKU(-\d+)?\b|\bACME\b|\bAmy\b/g, '').match(/[A-Za-z]{3,}/g) ?? [];

describe.each(locales)('in %s', (locale) => {
  const t = translator(locale);

  test.each(pairs)('%s.%s has its own message, every placeholder filled', (code, reason) => {
    const err = new DomainError(code, `English log text for ${code}.${reason}`, { reason, ...sampleDetails[`${code}.${reason}`] } as never);
    const text = errorText(err, t);
    expect(text).not.toBe(t('errors.internal'));
    expect(text).not.toMatch(/\{\{|errors\.|English log text/);
    if (locale === 'zh-CN') expect(englishIn(text)).toEqual([]);
  });

  test.each(problemCodes)('the field problem %s reads naturally for known and unknown fields', (code) => {
    for (const field of ['notes', 'lines.0.sku', 'somethingNew']) {
      const text = errorText(invalidInput('log', [{ field, code, problem: 'x', max: 10, min: 1, value: 'SKU-9' }]), t);
      expect(text).not.toMatch(/\{\{|errors\.|fields\.|somethingNew/);
      if (locale === 'zh-CN') expect(englishIn(text)).toEqual([]);
    }
  });
});

test('an admin-only refusal says admin, a manager-or-admin one says both', () => {
  const t = translator('en');
  expect(errorText(new DomainError('forbidden', 'x', { reason: 'role', allowed: ['admin'] }), t)).toBe('Only an admin can do that.');
  expect(errorText(new DomainError('forbidden', 'x', { reason: 'role', allowed: ['manager', 'admin'] }), t)).toBe('Only a manager or admin can do that.');
});

test('one problem is said as a sentence; several are listed', () => {
  const t = translator('en');
  const past = { field: 'scheduledAt', code: 'in_the_past' as const, problem: 'x' };
  const long = { field: 'notes', code: 'too_long' as const, problem: 'x', max: 4000 };
  expect(errorText(invalidInput('plan', [past]), t)).toBe(`${t('errors.problems.in_the_past', { field: t('fields.scheduledAt') }).replace(/^./, (c) => c.toUpperCase())}.`);
  expect(errorText(invalidInput('plan', [past, long]), t)).toMatch(/^Some of that did not look right: .+; .+\.$/);
  expect(errorText(invalidInput('plan', [past]), translator('zh-CN'))).toMatch(/。$/);
});

test('the approval dead end (no approver) is not English inside Chinese', () => {
  const text = errorText(new DomainError('conflict', 'Nobody in the workspace can approve this discount.', { reason: 'no_approver' }), translator('zh-CN'));
  expect(text).toContain('管理员');
  expect(englishIn(text)).toEqual([]);
});

test('anything that is not a DomainError says nothing was saved, and shows no internals', () => {
  const card = errorCard(new Error('relation "customers" does not exist at select * from customers where tenant_id = 42'), translator('zh-CN'));
  expect(card.text).toBe(zhCN.errors.internal);
  expect(card.tone).toBe('error');
});

/** Every key written literally in the source exists in both languages (a typo would show the key itself). */
test('every literal translation key used in src exists in en and zh-CN', () => {
  const srcDir = path.resolve(__dirname, '../../../src');
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  const keys = new Set<string>();
  for (const file of files(srcDir)) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z]+(?:\.[a-zA-Z_]+)+)'/g)) keys.add(m[1]!);
  }
  const lookup = (messages: unknown, key: string) => key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), messages);
  // A counted text may exist only in its plural forms (`openDeals_one`, `openDeals_other`).
  const has = (messages: unknown, k: string) => typeof lookup(messages, k) === 'string' || typeof lookup(messages, `${k}_other`) === 'string';
  const missing = [...keys].filter((k) => !has(en, k) || !has(zhCN, k));
  expect(keys.size).toBeGreaterThan(100);
  expect(missing).toEqual([]);
});
