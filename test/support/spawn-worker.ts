import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const root = path.resolve(__dirname, '../..');

/** `port`: its health, readiness and metrics listener (PORT=0 unless the env sets one). */
export type SpawnedWorker = { child: ChildProcess; exit: Promise<number | null>; logs: Array<Record<string, unknown>>; port: number };

/**
 * The service as its own process in the worker role (as `SFA_ROLE=worker npm start`), once it has
 * started and listens for probes: `src/main.ts` through tsx, or a compiled `entry` (`dist/src/main.js`) with plain node.
 */
export async function spawnWorker(env: Record<string, string>, options: { timeoutMs?: number; execArgv?: string[]; entry?: string } = {}): Promise<SpawnedWorker> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const entry = options.entry ?? path.join(root, 'src/main.ts');
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(options.execArgv ?? []), ...loader, entry], {
    cwd: root,
    // Info level at least: start-up is recognised by its log line.
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env, LOG_LEVEL: 'info', SFA_ROLE: 'worker' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let port = 0;
  child.stderr!.on('data', (d) => { stderr += d; });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        logs.push(entry);
        // The worker starts first, then its health and metrics listener.
        if (entry.msg === 'http server listening') { port = entry.port; clearTimeout(timer); resolve(); }
      } catch { /* not a log line */ }
    });
    void exit.then((code) => { clearTimeout(timer); reject(new Error(`worker exited with ${code}: ${stderr}`)); });
  });
  return { child, exit, logs, port };
}
