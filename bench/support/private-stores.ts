/**
 * PostgreSQL 15 and Redis 7 instances of the benchmark's own, on free ports in temporary
 * directories: a fault bench kills and restarts them, which it must never do to the machine's
 * shared ones (127.0.0.1:5432 and :6379). Everything they leave is removed at the end, also when
 * the benchmark fails or is interrupted.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const pgBin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port (or rejects after timeoutMs). */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

// Clean-up that also runs on a crash or Ctrl-C: synchronous, so it works from process 'exit'.
const cleanups = new Set<() => void>();
let hooked = false;
/** Runs `cleanup` when this process ends, however it ends; returns how to cancel that. */
export function onExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  if (!hooked) {
    hooked = true;
    const runAll = () => { for (const c of [...cleanups]) { try { c(); } catch { /* best effort */ } } cleanups.clear(); };
    process.once('exit', runAll);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { runAll(); process.exit(130); });
  }
  return () => cleanups.delete(cleanup);
}

export type PrivatePostgres = {
  port: number;
  /** A connection URL for `database` on this instance. */
  url: (database: string) => string;
  /** `pg_ctl stop -m immediate`: every backend is killed at once, nothing is checkpointed; crash recovery on the next start. */
  crash: () => Promise<void>;
  /** Starts it again (after crash()); resolves when it accepts connections. */
  start: () => Promise<void>;
  /** Stops it and removes its directory. */
  destroy: () => Promise<void>;
  dir: string;
};

/**
 * A throw-away PostgreSQL cluster. We run as root and initdb refuses root, so the cluster belongs
 * to the `postgres` user; it listens on 127.0.0.1:<port> and keeps its socket in its own directory.
 * fsync is off: a crash here kills processes, not the machine, so what PostgreSQL wrote to the
 * OS survives it either way, and the benchmark does not measure the disk.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfa-faults-pg-'));
  const data = path.join(dir, 'data');
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const run = (bin: string, args: string[]) => {
    const [cmd, ...pre] = [...asPostgres, path.join(pgBin, bin)];
    return spawnSync(cmd!, [...pre, ...args], { encoding: 'utf8' });
  };
  if (asPostgres.length) execFileSync('chown', ['postgres:', dir]);
  fs.chmodSync(dir, 0o700);
  const port = await freePort();
  const init = run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const stopNow = () => { run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']); };
  const forget = onExit(() => { stopNow(); fs.rmSync(dir, { recursive: true, force: true }); });

  const start = async () => {
    const started = run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
    if (started.status !== 0) throw new Error(`pg_ctl start failed: ${started.stderr}${started.stdout}`);
    await waitForPort(port, 10_000);
  };
  await start();
  return {
    port,
    dir,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    crash: async () => {
      const stopped = run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      if (stopped.status !== 0) throw new Error(`pg_ctl stop -m immediate failed: ${stopped.stderr}`);
    },
    start,
    destroy: async () => {
      stopNow();
      fs.rmSync(dir, { recursive: true, force: true });
      forget();
    },
  };
}

export type PrivateRedis = {
  port: number;
  url: string;
  /** SIGKILL: nothing is saved (no RDB, no AOF), so everything in it is gone. */
  kill: () => Promise<void>;
  /** Starts it again on the same port, empty. */
  start: () => Promise<void>;
  destroy: () => Promise<void>;
};

/** A throw-away Redis with no persistence at all: a restart loses every key. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfa-faults-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const forget = onExit(() => { child?.kill('SIGKILL'); fs.rmSync(dir, { recursive: true, force: true }); });
  const start = async () => {
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction', '--loglevel', 'warning'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    await waitForPort(port, 10_000);
  };
  const kill = async () => {
    child?.kill('SIGKILL');
    await exited;
    child = undefined;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    destroy: async () => {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
      forget();
    },
  };
}

export type PrivateStores = { pg: PrivatePostgres; redis: PrivateRedis; destroy: () => Promise<void> };

export async function startPrivateStores(): Promise<PrivateStores> {
  const [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
  return { pg, redis, destroy: async () => { await Promise.allSettled([pg.destroy(), redis.destroy()]); } };
}
