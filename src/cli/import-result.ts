import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandContext } from './context';
import { formatRowErrors, readCsvFile, type RowError } from './csv';

/** What an import did (or, when `imported` is false, would have done and why it did not). */
export type ImportResult = {
  tenant: string;
  /** Data rows in the file (empty lines not counted). */
  rows: number;
  created: number;
  updated: number;
  /** Rows that match the stored record exactly: nothing written, nothing audited. */
  unchanged: number;
  /** Bad rows left out under --skip-invalid. */
  skipped: number;
  errors: RowError[];
  imported: boolean;
};

export const badLineCount = (errors: RowError[]): number => new Set(errors.map((e) => e.line)).size;

export function emptyResult(tenant: string, rows: number, errors: RowError[]): ImportResult {
  return { tenant, rows, created: 0, updated: 0, unchanged: 0, skipped: 0, errors, imported: false };
}

/** The lines a person reads after an import: bad rows first, then one summary line. */
export function describeImport(what: string, result: ImportResult): { errors: string[]; summary: string } {
  const bad = badLineCount(result.errors);
  const summary = result.imported
    ? `${what}: ${result.created} created, ${result.updated} updated, ${result.skipped} skipped, ${result.unchanged} unchanged (tenant ${result.tenant})`
    : `${what}: nothing imported: ${bad} of ${result.rows} rows ${bad === 1 ? 'has' : 'have'} errors (fix them, or use --skip-invalid to import the other ${result.rows - bad})`;
  return { errors: formatRowErrors(result.errors), summary };
}

export type ImportArgs = { file: string; tenant?: string; skipInvalid: boolean };
type Importer<R extends ImportResult> = (em: EntityManager, tenant: string | undefined, csv: string, opts: { skipInvalid?: boolean }) => Promise<R>;

/** `sfa import <what> <file>`: runs the import, prints bad rows and the summary; exit 0 only if it imported. */
export async function runImportCommand<R extends ImportResult>(ctx: CommandContext, what: string, args: ImportArgs, importer: Importer<R>): Promise<{ code: number; result: R }> {
  const result = await importer(ctx.orm.em.fork(), args.tenant, readCsvFile(args.file), { skipInvalid: args.skipInvalid });
  const { errors, summary } = describeImport(what, result);
  errors.forEach((line) => ctx.err(line));
  ctx.out(summary);
  return { code: result.imported ? 0 : 1, result };
}
