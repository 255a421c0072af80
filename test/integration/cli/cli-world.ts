import path from 'node:path';
import { readCsvFile } from '../../../src/cli/csv';

export const fixturePath = (name: string): string => path.resolve(__dirname, '../../fixtures', name);

/** A fixture read the way the CLI reads a file (strict UTF-8, BOM kept for the parser to drop). */
export const fixture = (name: string): string => readCsvFile(fixturePath(name));

/** The line numbers an import reported, in order, without repeats. */
export const badLines = (errors: { line: number }[]): number[] => [...new Set(errors.map((e) => e.line))].sort((a, b) => a - b);

export const reasonsFor = (errors: { line: number; reason: string }[], line: number): string =>
  errors.filter((e) => e.line === line).map((e) => e.reason).join('; ');
