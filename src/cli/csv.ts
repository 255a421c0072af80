import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError as StreamCsvError, parse as parseStream } from 'csv-parse';
import { CsvError, parse } from 'csv-parse/sync';
import { CliError } from './errors';

/** One data row: `line` is where it starts in the file (the header is line 1). */
export type CsvRow = { line: number; values: Record<string, string> };
export type RowError = { line: number; reason: string };

/** "Org Unit", " org-unit " and "ORG_UNIT" all name the column org_unit. */
export const columnKey = (header: string): string => header.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * Reads a file as UTF-8 (a BOM is fine). Excel in a Chinese locale saves "CSV" as GBK: decoding
 * strictly turns that into a message instead of a file full of mojibake names.
 */
export function readCsvFile(file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(`${file} is not UTF-8 text: save it as "CSV UTF-8" and try again`);
  }
}

type ColumnSpec = { required: readonly string[]; optional: readonly string[] };

/** The header's column keys; a missing required column or an unknown or repeated one stops the file. */
function checkHeader(record: string[], line: number, spec: ColumnSpec): string[] {
  if (record.every((c) => c.trim() === '')) throw new CliError('the file is empty: expected a header row');
  const columns = record.map(columnKey);
  const known = new Set([...spec.required, ...spec.optional]);
  const problems: string[] = [];
  const missing = spec.required.filter((c) => !columns.includes(c));
  if (missing.length > 0) problems.push(`missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  const unknown = columns.filter((c) => !known.has(c));
  if (unknown.length > 0) problems.push(`unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.map((c) => c || '(empty)').join(', ')}`);
  const repeated = columns.filter((c, i) => c && columns.indexOf(c) !== i);
  if (repeated.length > 0) problems.push(`column${repeated.length > 1 ? 's' : ''} given twice: ${[...new Set(repeated)].join(', ')}`);
  if (problems.length > 0) {
    throw new CliError(`line ${line}: ${problems.join('; ')} (expected columns: ${[...spec.required, ...spec.optional].join(',')})`);
  }
  return columns;
}

/** A data row by column, a row with the wrong number of fields, or null for a row of empty cells (Excel leaves them). */
function toRow(line: number, record: string[], columns: string[]): CsvRow | RowError | null {
  if (record.every((c) => c.trim() === '')) return null;
  if (record.length !== columns.length) return { line, reason: `has ${record.length} fields, the header has ${columns.length} (a comma in a value needs "quotes")` };
  return { line, values: Object.fromEntries(columns.map((c, i) => [c, record[i]!.trim()])) };
}

function notValidCsv(err: unknown): unknown {
  // The sync and stream entry points each bundle their own copy of the class.
  if (!(err instanceof CsvError || err instanceof StreamCsvError)) return err;
  const where = (err as CsvError & { lines?: number }).lines;
  return new CliError(`${where ? `line ${where}: ` : ''}the file is not valid CSV (${err.message.replace(/^Invalid [^:]*: /, '')})`);
}

/**
 * Parses CSV text with a header row. Columns are matched by name (any order); a missing required
 * column or an unknown one is an error for the whole file, since silently ignoring a misspelt
 * column would drop data. Rows whose cells are all empty (Excel leaves them) are skipped.
 * Rows with the wrong number of fields come back in `errors` so they are reported with the rest.
 */
export function parseCsv(text: string, spec: ColumnSpec): { columns: string[]; rows: CsvRow[]; errors: RowError[] } {
  // One kind of line break, so that counting them gives line numbers (quoted fields keep theirs as \n).
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let records: { record: string[]; raw: string }[];
  try {
    records = parse(normalised, { raw: true, relax_column_count: true, skip_empty_lines: true }) as unknown as { record: string[]; raw: string }[];
  } catch (err) {
    throw notValidCsv(err);
  }
  // Each record's raw text includes the empty lines skipped before it: its start line follows.
  let breaksBefore = 0;
  const located = records.map(({ record, raw }) => {
    const leading = /^\n*/.exec(raw)![0].length;
    const line = breaksBefore + leading + 1;
    breaksBefore += (raw.match(/\n/g) ?? []).length;
    return { line, record };
  });

  const header = located.shift();
  if (!header) throw new CliError('the file is empty: expected a header row');
  const columns = checkHeader(header.record, header.line, spec);

  const rows: CsvRow[] = [];
  const errors: RowError[] = [];
  for (const { line, record } of located) {
    const row = toRow(line, record, columns);
    if (row && 'reason' in row) errors.push(row);
    else if (row) rows.push(row);
  }
  return { columns, rows, errors };
}

/**
 * The same reading as `readCsvFile` + `parseCsv`, a piece at a time: for files too large to hold
 * (order history). Yields each data row or bad row in file order, with the same line numbers and
 * header rules; the header's problems, bad UTF-8 and broken quoting throw as they do there.
 * Reading waits while the caller works on a row, so memory stays flat whatever the file's size.
 */
export async function* streamCsvFile(file: string | { text: string }, spec: ColumnSpec): AsyncGenerator<CsvRow | RowError> {
  const parser = parseStream({ raw: true, relax_column_count: true, skip_empty_lines: true });
  const feeding = pipeline(Readable.from(normalisedText(file)), parser).catch((err: unknown) => {
    parser.destroy(err as Error);
  });
  let columns: string[] | null = null;
  let breaksBefore = 0;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const leading = /^\n*/.exec(raw)![0].length;
      const line = breaksBefore + leading + 1;
      breaksBefore += countBreaks(raw);
      if (!columns) {
        columns = checkHeader(record, line, spec);
        continue;
      }
      const row = toRow(line, record, columns);
      if (row) yield row;
    }
  } catch (err) {
    throw notValidCsv(err);
  } finally {
    parser.destroy();
    await feeding;
  }
  if (!columns) throw new CliError('the file is empty: expected a header row');
}

function countBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The file as strict UTF-8 text without its BOM, every line break a \n (as `parseCsv` has it). */
async function* normalisedText(file: string | { text: string }): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  let pendingCr = false;
  const normalise = (text: string): string => {
    let t = pendingCr ? `\r${text}` : text;
    if (first) {
      t = t.replace(/^\uFEFF/, '');
      first = false;
    }
    pendingCr = t.endsWith('\r');
    if (pendingCr) t = t.slice(0, -1);
    return t.replace(/\r\n?/g, '\n');
  };
  if (typeof file !== 'string') {
    yield normalise(file.text);
  } else {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CliError(code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file}: ${(err as Error).message}`);
    }
    try {
      for await (const chunk of handle.createReadStream({ highWaterMark: 256 * 1024, autoClose: false })) {
        let text: string;
        try {
          text = decoder.decode(chunk as Buffer, { stream: true });
        } catch {
          throw new CliError(`${file} is not UTF-8 text: save it as "CSV UTF-8" and try again`);
        }
        if (text) yield normalise(text);
      }
      try {
        decoder.decode();
      } catch {
        throw new CliError(`${file} is not UTF-8 text: save it as "CSV UTF-8" and try again`);
      }
    } finally {
      await handle.close();
    }
  }
  if (pendingCr) yield '\n';
}

/** Marks every row that shares a value with another row; returns the rows' line numbers per value. */
export function flagRepeats(rows: { line: number; key: string | null | undefined }[], describe: (key: string, lines: number[]) => string): RowError[] {
  const byKey = new Map<string, number[]>();
  for (const r of rows) if (r.key) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.line]);
  return [...byKey.entries()].filter(([, lines]) => lines.length > 1).flatMap(([key, lines]) => lines.map((line) => ({ line, reason: describe(key, lines) })));
}

/** "line N: reason" lines, in file order, one reason per line (several per row are joined). */
export function formatRowErrors(errors: RowError[]): string[] {
  const byLine = new Map<number, string[]>();
  for (const e of [...errors].sort((a, b) => a.line - b.line)) byLine.set(e.line, [...(byLine.get(e.line) ?? []), e.reason]);
  return [...byLine.entries()].map(([line, reasons]) => `line ${line}: ${reasons.join('; ')}`);
}
