import fs from 'node:fs';
import path from 'node:path';
import { parseAmount, parseCurrencyToken } from '../../../../src/bots/shared/parse-amount';

describe('parseAmount', () => {
  test.each<[string, string, string | null]>([
    ['50000', '50000.00', null],
    ['50,000', '50000.00', null],
    ['1,234,567.89', '1234567.89', null],
    ['12500.50', '12500.50', null],
    ['12500.5', '12500.50', null],
    ['0', '0.00', null],
    ['.5', '0.50', null],
    ['50k', '50000.00', null],
    ['50K', '50000.00', null],
    ['1.2m', '1200000.00', null],
    ['1.2M', '1200000.00', null],
    ['3mm', '3000000.00', null],
    ['2bn', '2000000000.00', null],
    ['5万', '50000.00', null],
    ['1.5万', '15000.00', null],
    ['1.2345万', '12345.00', null],
    ['2亿', '200000000.00', null],
    ['3千', '3000.00', null],
    ['5w', '50000.00', null],
    ['0.01k', '10.00', null],
    ['999999999999.99', '999999999999.99', null],
    ['¥50000', '50000.00', 'CNY'],
    ['￥50000', '50000.00', 'CNY'],
    ['$1,200', '1200.00', 'USD'],
    ['US$5', '5.00', 'USD'],
    ['HK$1,000', '1000.00', 'HKD'],
    ['€300', '300.00', 'EUR'],
    ['£12.5k', '12500.00', 'GBP'],
    ['50000USD', '50000.00', 'USD'],
    ['50000usd', '50000.00', 'USD'],
    ['USD50000', '50000.00', 'USD'],
    ['50MYR', '50.00', 'MYR'],
    ['50kUSD', '50000.00', 'USD'],
    ['5万元', '50000.00', 'CNY'],
    ['5万美元', '50000.00', 'USD'],
    ['300元', '300.00', 'CNY'],
    ['$5USD', '5.00', 'USD'],
    ['５００００', '50000.00', null], // full-width digits
    ['５０，０００', '50000.00', null],
    [' 50000 ', '50000.00', null],
  ])('%j → %s %s', (token, amount, currency) => {
    expect(parseAmount(token)).toEqual(currency ? { amount, currency } : { amount });
  });

  test.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['-5', 'negative'],
    ['-50k', 'negative'],
    ['+5', 'signed'],
    ['12.345', 'three decimals'],
    ['0.000001k', 'three decimals after scaling'],
    ['1.2345678万', 'three decimals after scaling'],
    ['1e12', 'exponent'],
    ['1000000000000', '≥ 1e12'],
    ['10000亿', '≥ 1e12'],
    ['1000bn', '≥ 1e12'],
    ['12abc', 'garbage'],
    ['abc', 'garbage'],
    ['1.2.3', 'garbage'],
    ['1,2345', 'bad grouping'],
    ['50,00', 'bad grouping'],
    ['5.', 'dangling point'],
    ['$', 'symbol only'],
    ['$5EUR', 'two currencies'],
    ['50kk', 'two scales'],
    ['3M China', 'words'],
    ['NaN', 'not a number'],
    ['Infinity', 'not a number'],
  ])('%j is rejected (%s)', (token) => {
    expect(parseAmount(token)).toBeNull();
  });

  test('exact for amounts a float cannot hold', () => {
    expect(parseAmount('0.1k')).toEqual({ amount: '100.00' });
    expect(parseAmount('999999999999.99')!.amount).toBe('999999999999.99');
    expect(parseAmount('1.15万')!.amount).toBe('11500.00');
    expect(parseAmount('0.29')!.amount).toBe('0.29');
  });

  test('no binary floating point in the implementation', () => {
    const source = fs.readFileSync(path.resolve(__dirname, '../../../../src/bots/shared/parse-amount.ts'), 'utf8');
    expect(source).not.toMatch(/parseFloat|parseInt|Number\(|Math\./);
  });
});

describe('parseCurrencyToken', () => {
  test.each<[string, string | null]>([
    ['USD', 'USD'],
    ['usd', 'USD'],
    ['Usd', 'USD'],
    ['CNY', 'CNY'],
    ['RMB', 'CNY'],
    ['rmb', 'CNY'],
    ['元', 'CNY'],
    ['人民币', 'CNY'],
    ['块', 'CNY'],
    ['美元', 'USD'],
    ['美金', 'USD'],
    ['欧元', 'EUR'],
    ['港币', 'HKD'],
    ['日元', 'JPY'],
    ['eur', 'EUR'],
    ['gbp', 'GBP'],
    ['jpy', 'JPY'],
    ['$', 'USD'],
    ['€', 'EUR'],
    ['¥', 'CNY'],
    ['ＵＳＤ', 'USD'],
    ['CHF', 'CHF'],
    ['ALL', 'ALL'], // an ISO code in capitals…
    ['all', null], // …but a word in lower case
    ['try', null],
    ['pen', null],
    ['XYZ', null],
    ['US', null],
    ['USDT', null],
    ['', null],
    ['50000', null],
    ['Pilot', null],
  ])('%j → %s', (token, code) => {
    expect(parseCurrencyToken(token)).toBe(code);
  });
});
