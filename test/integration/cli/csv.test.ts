import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatRowErrors, parseCsv, readCsvFile } from '../../../src/cli/csv';
import { CliError } from '../../../src/cli/errors';

const spec = { required: ['name'], optional: ['note'] } as const;

test('line numbers count the header, blank lines and line breaks inside quotes (CRLF or LF)', () => {
  const text = '\uFEFFName,Note\r\nfirst,a\r\n\r\nsecond,"two\r\nlines"\r\nthird,b\r\n,\r\nfourth\r\n';
  const { columns, rows, errors } = parseCsv(text, spec);
  expect(columns).toEqual(['name', 'note']);
  expect(rows.map((r) => [r.line, r.values.name, r.values.note])).toEqual([
    [2, 'first', 'a'],
    [4, 'second', 'two\nlines'],
    [6, 'third', 'b'],
  ]);
  expect(errors).toEqual([{ line: 8, reason: expect.stringMatching(/has 1 fields, the header has 2/) }]);
});

test('a missing, unknown or repeated column stops the whole file and is named', () => {
  expect(() => parseCsv('note\nx\n', spec)).toThrow(/line 1: missing required column: name/);
  expect(() => parseCsv('name,notes\nx,y\n', spec)).toThrow(/unknown column: notes/);
  expect(() => parseCsv('name,Name\nx,y\n', spec)).toThrow(/given twice: name/);
  expect(() => parseCsv('', spec)).toThrow(/empty/);
  expect(() => parseCsv('name,note\n"unclosed,x\n', spec)).toThrow(CliError);
});

test('several reasons for one row become one line', () => {
  expect(formatRowErrors([{ line: 5, reason: 'b' }, { line: 2, reason: 'a' }, { line: 5, reason: 'c' }])).toEqual(['line 2: a', 'line 5: b; c']);
});

test('a file that is not UTF-8 (Excel saving GBK) is refused with a hint', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sfa-csv-')), 'gbk.csv');
  // "王伟" in GBK.
  fs.writeFileSync(file, Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xcd, 0xf5, 0xce, 0xb0, 0x0a]));
  expect(() => readCsvFile(file)).toThrow(/not UTF-8.*CSV UTF-8/);
  expect(() => readCsvFile(`${file}.missing`)).toThrow(/file not found/);
});
