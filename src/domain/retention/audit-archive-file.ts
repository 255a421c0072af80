import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** The archive file is shorter than the ledger says: moved, replaced or cut. Nothing more is deleted until someone looks. */
export class ArchiveMismatch extends Error {
  constructor(
    readonly file: string,
    readonly expectedBytes: number,
    readonly actualBytes: number,
  ) {
    super(`audit archive ${file} has ${actualBytes} bytes but ${expectedBytes} were written to it: audit entries of its month are kept until it is restored`);
    this.name = 'ArchiveMismatch';
  }
}

/** `audit/<tenant>/<YYYY-MM>.jsonl.gz` under the archive directory; a slug that is not a safe file name falls back to the tenant id. */
export function auditArchivePath(tenant: { id: string; slug: string }, month: string): string {
  const name = /^[a-z0-9][a-z0-9-]{0,62}$/.test(tenant.slug) ? tenant.slug : tenant.id;
  return path.posix.join('audit', name, `${month}.jsonl.gz`);
}

/**
 * Adds one gzip member of JSON lines to a month's file at `offset` — the length the ledger
 * recorded — and makes it durable before the caller deletes the rows. Anything past `offset` is
 * a member whose deletion never committed (its rows are still in the database and are in
 * `lines` again): it is cut off first, so no entry is archived twice. gunzip and zcat read the
 * members of a file as one stream. Returns the file's new length.
 */
export async function writeArchiveMember(dir: string, relativePath: string, offset: number, lines: string[]): Promise<number> {
  const file = path.join(dir, relativePath);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const data = await gzipAsync(`${lines.join('\n')}\n`);
  const handle = await fs.open(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o640);
  try {
    const { size } = await handle.stat();
    if (size < offset) throw new ArchiveMismatch(file, offset, size);
    if (size > offset) await handle.truncate(offset);
    await handle.write(data, 0, data.length, offset);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // A new file's name is durable only once its directory is.
  if (offset === 0) await syncDirectory(path.dirname(file));
  return offset + data.length;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
