import { canReadCustomer, canWriteCustomer, searchNameOf } from '../../../src/domain/customers/customer-access';
import type { Customer } from '../../../src/domain/customers/customer.entity';
import { domainOf } from '../../../src/domain/customers/find-duplicate-customers';
import { amountText } from '../../../src/domain/opportunities/opportunity-input';
import { moneyText } from '../../../src/domain/activities/interaction-input';
import { splitUnitPath } from '../../../src/domain/org/ensure-org-unit-path';
import type { Access } from '../../../src/domain/shared/access';
import { inScope, scopeCondition } from '../../../src/domain/shared/access';
import { DomainError } from '../../../src/domain/shared/domain-error';
import { pageWindow } from '../../../src/domain/shared/validate';

const T = 'tenant-1';
const access = (role: Access['role'], scope: Access['scope'], userId: string | null = 'me'): Access => ({ tenantId: T, userId, role, label: role, scope });
const customer = (ownerId: string | null, tenantId = T) => ({ tenantId, ownerId }) as Customer;

describe('customer rules (pure)', () => {
  const rep = access('rep', new Set(['me']));
  const manager = access('manager', new Set(['me', 'rep1']));
  const admin = access('admin', 'tenant');
  // prettier-ignore
  test.each([
    ['rep',     rep,     'me',   T,        true,  true],
    ['rep',     rep,     'rep1', T,        false, false],
    ['rep',     rep,     null,   T,        true,  false],
    ['rep',     rep,     'me',   'other',  false, false],
    ['manager', manager, 'rep1', T,        true,  true],
    ['manager', manager, 'rep9', T,        false, false],
    ['manager', manager, null,   T,        true,  true],
    ['admin',   admin,   'rep9', T,        true,  true],
    ['admin',   admin,   null,   T,        true,  true],
    ['admin',   admin,   null,   'other',  false, false],
  ] as const)('%s on a customer owned by %s in %s: read %s, write %s', (_, a, owner, tenant, read, write) => {
    expect(canReadCustomer(a, customer(owner, tenant))).toBe(read);
    expect(canWriteCustomer(a, customer(owner, tenant))).toBe(write);
  });

  test('inScope and scopeCondition', () => {
    expect(inScope(admin, null)).toBe(false);
    expect(inScope(admin, 'anyone')).toBe(true);
    expect(inScope(manager, 'rep1')).toBe(true);
    expect(scopeCondition(admin)).toBeUndefined();
    expect(scopeCondition(manager)).toEqual({ $in: ['me', 'rep1'] });
  });

  test('search names fold width, case and spaces', () => {
    expect(searchNameOf('  ＡＣＭＥ　Corp  ')).toBe('acme corp');
    expect(searchNameOf('华为  技术')).toBe('华为 技术');
  });

  test('company domains ignore free mail and website noise', () => {
    expect(domainOf('a@qq.com', 'https://www.Acme.com/about')).toBe('acme.com');
    expect(domainOf('a@acme.cn', null)).toBe('acme.cn');
    expect(domainOf(null, 'localhost')).toBeNull();
  });
});

describe('amount parsing', () => {
  test.each([['12500.50', '12500.50'], ['0.10', '0.10'], ['12,500.5', '12500.50'], ['1.2e4', '12000.00'], ['.5', '0.50'], [0.1, '0.10'], ['0', '0.00']])('%j → %s', (input, out) => {
    expect(amountText.parse(input)).toBe(out);
    expect(moneyText.parse(input)).toBe(out);
  });
  test.each([['-5'], ['1.234'], ['abc'], [''], ['0x10'], ['0b11'], ['0o7'], ['Infinity'], ['1e12'], ['1 000'], [Number.NaN], [-1]])('%j is refused', (input) => {
    expect(amountText.safeParse(input).success).toBe(false);
    expect(moneyText.safeParse(input).success).toBe(false);
  });
});

describe('org unit paths', () => {
  test('split and trim', () => expect(splitUnitPath(' Sales / East//Shanghai ')).toEqual(['Sales', 'East', 'Shanghai']));
  test.each([[''], ['/'], [' / '], [`A/${'x'.repeat(101)}`]])('%j is refused', (path) => {
    expect(() => splitUnitPath(path)).toThrow(DomainError);
  });
});

describe('pageWindow', () => {
  test.each([
    [{}, { offset: 0, limit: 10 }],
    [{ offset: 20, limit: 5 }, { offset: 20, limit: 5 }],
    [{ offset: -1, limit: 0 }, { offset: 0, limit: 1 }],
    [{ offset: 2.7, limit: 1000 }, { offset: 2, limit: 50 }],
    [{ offset: Number.NaN, limit: Number.POSITIVE_INFINITY }, { offset: 0, limit: 10 }],
  ])('%j → %j', (page, out) => expect(pageWindow(page, 10, 50)).toEqual(out));
});
