import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export type SpawnedService = { port: number; logs: Array<Record<string, unknown>>; child: ChildProcess; exit: Promise<number | null> };

const root = path.resolve(__dirname, '../..');

/** Runs `src/main.ts` as its own process (as `npm start` would) and waits until it listens. */
export async function spawnService(env: Record<string, string>, timeoutMs = 20_000, entry = path.join(root, 'src/main.ts'), execArgv: string[] = []): Promise<SpawnedService> {
  const child = spawn(process.execPath, [...execArgv, ...(entry.endsWith('.js') ? [entry] : ['--import', 'tsx', entry])], {
    cwd: root,
    // The playground (no Slack configured) only where a test asks for it.
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', SFA_PLAYGROUND: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        logs.push(entry);
        if (entry.msg === 'http server listening') { clearTimeout(timer); resolve(entry.port); }
      } catch { /* not a log line */ }
    });
    void exit.then((code) => { clearTimeout(timer); reject(new Error(`service exited with ${code}: ${stderr}`)); });
  });
  return { port, logs, child, exit };
}
