import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * The tenant dump streams rows through `psql` (COPY … TO STDOUT / FROM stdin): the project has no
 * COPY-stream driver (pg-copy-streams is not a dependency), and `pg_dump` can pick tables but not
 * rows. psql is the PostgreSQL client the operator has beside pg_dump anyway.
 */
export type PsqlTarget = { args: string[]; env: NodeJS.ProcessEnv };

/** The database URL for psql; a password travels in the environment, not on the command line. */
export function psqlTarget(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): PsqlTarget {
  const url = new URL(databaseUrl);
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.password = '';
  return {
    args: ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url.toString()],
    env: { ...env, ...(password ? { PGPASSWORD: password } : {}), PGCLIENTENCODING: 'UTF8', PGTZ: 'UTC', PGDATESTYLE: 'ISO' },
  };
}

export class PsqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PsqlError';
  }
}

const missing = (err: NodeJS.ErrnoException) =>
  err.code === 'ENOENT' ? new PsqlError('psql was not found on PATH: install the PostgreSQL client (15 or later)') : err;

/** psql's own words for a failure: its ERROR/FATAL lines, else all it said. */
function psqlProblem(stderr: string, code: number | null): string {
  const lines = stderr.split('\n').map((l) => l.replace(/^psql:[^:]*:\d+: /, '').trim()).filter(Boolean);
  const errors = lines.filter((l) => /^(ERROR|FATAL|psql: error):?/.test(l));
  return (errors.length ? errors : lines).join('\n') || `psql exited with code ${code}`;
}

/**
 * Runs `script` in its own psql session and streams what it prints into `sink` (left open);
 * resolves to the number of lines, which for COPY's text format is the number of rows.
 */
export function copyOut(target: PsqlTarget, script: string, sink: Writable): Promise<number> {
  return new Promise((resolve, reject) => {
    if (sink.destroyed) return reject(new Error('the dump file could not be written'));
    const child = spawn('psql', [...target.args, '-f', '-'], { env: target.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let lines = 0;
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      if (!sink.write(chunk)) {
        child.stdout.pause();
        sink.once('drain', () => child.stdout.resume());
      }
    });
    // The file behind the sink failed (disk full, …): stop psql rather than wait for a drain that never comes.
    const sinkGone = () => {
      child.kill('SIGTERM');
      reject(new Error('the dump file could not be written'));
    };
    sink.once('close', sinkGone);
    child.once('error', (err) => reject(missing(err)));
    child.once('close', (code) => {
      sink.off('close', sinkGone);
      if (code === 0) resolve(lines);
      else reject(new PsqlError(psqlProblem(stderr, code)));
    });
    child.stdin.end(script);
  });
}

/** Feeds `input` to psql as a script; resolves to what it printed, rejects with its error. */
export function runScript(target: PsqlTarget, input: Readable): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [...target.args, '-f', '-'], { env: target.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let inputError: Error | undefined;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    // psql stops reading when it stops on an error: the broken pipe is expected, its message is the news.
    child.stdin.on('error', () => undefined);
    input.once('error', (err) => {
      // A file that breaks off (truncated, corrupt): psql must not go on, and without `commit` nothing is kept.
      inputError = err;
      child.kill('SIGTERM');
    });
    input.pipe(child.stdin);
    child.once('error', (err) => reject(missing(err)));
    child.once('close', (code) => {
      if (inputError) reject(new PsqlError(`the dump could not be read: ${inputError.message}; nothing was imported`));
      else if (code === 0) resolve({ stdout });
      else reject(new PsqlError(psqlProblem(stderr, code)));
    });
  });
}
