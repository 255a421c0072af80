/**
 * Benchmark: one web and one worker process, then two of each restarted one at a time with
 * SIGTERM, under the same load of reminders falling due and writing commands. Prints, side by
 * side, what took effect once / twice / never, the lag of reminders after their due time and of
 * answers after the command, and how the work was shared between the workers.
 *
 *   npm run bench:replicas     (builds first; REMINDERS=1000 COMMANDS=1200 LOAD_S=60)
 */
import path from 'node:path';
import { runReplicaScenario, type ReplicaResult, type ReplicaScenario } from '../test/support/replica-scenario';

const reminders = Number(process.env.REMINDERS ?? 1000);
const commands = Number(process.env.COMMANDS ?? 1200);
const loadMs = Number(process.env.LOAD_S ?? 60) * 1000;
const entry = path.resolve(__dirname, '../dist/src/main.js');

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
};
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const share = (counts: number[]) => {
  const total = counts.reduce((a, b) => a + b, 0);
  return total ? counts.map((n) => `${Math.round((100 * n) / total)} %`).join(' / ') : '–';
};

async function main(): Promise<void> {
  const runs: Array<[string, ReplicaScenario]> = [
    ['1 web + 1 worker, no restart', { webs: 1, workers: 1, reminders, commands, loadMs, rollingRestart: false, entry, settleMs: 60_000 }],
    ['2 web + 2 worker, rolling SIGTERM', { webs: 2, workers: 2, reminders, commands, loadMs, rollingRestart: true, entry, settleMs: 60_000 }],
  ];
  const results: Array<[string, ReplicaResult]> = [];
  for (const [name, scenario] of runs) {
    process.stdout.write(`running: ${name} …\n`);
    results.push([name, await runReplicaScenario(scenario)]);
  }
  const rows: Array<[string, (r: ReplicaResult) => string]> = [
    ['processes restarted', (r) => String(r.restarts)],
    ['commands acked / not acked', (r) => `${r.commands.acked} / ${r.notAcked.count}`],
    ['  once / twice / never', (r) => `${r.commands.once} / ${r.commands.twice} / ${r.commands.never}`],
    ['  answer after command p50 / p99', (r) => `${sec(pct(r.commands.lagsMs, 50))} / ${sec(pct(r.commands.lagsMs, 99))}`],
    ['reminders', (r) => String(reminders)],
    ['  once / twice / never', (r) => `${r.reminders.once} / ${r.reminders.twice} / ${r.reminders.never}`],
    ['  lag after due p50 / p99', (r) => `${sec(pct(r.reminders.lagsMs, 50))} / ${sec(pct(r.reminders.lagsMs, 99))}`],
    ['report due once: posts', (r) => String(r.reportPosts)],
    ['job schedulers / pending runs', (r) => `${r.schedulers.ids.length} / ${r.schedulers.nextRuns}`],
    ['commands run per worker (first third)', (r) => share(r.commandsByWorker)],
    ['reminders sent per worker (first third)', (r) => share(r.remindersByWorker)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const col = Math.max(...results.map(([name]) => name.length)) + 2;
  const lines = [`${''.padEnd(width)}${results.map(([name]) => name.padEnd(col)).join('')}`];
  for (const [label, cell] of rows) lines.push(`${label.padEnd(width)}${results.map(([, r]) => cell(r).padEnd(col)).join('')}`);
  for (const [name, r] of results) {
    for (const e of r.examples) lines.push(`${name}: ${e}`);
    if (r.notAcked.first) lines.push(`${name}: first command not acked: ${r.notAcked.first}`);
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
  if (results.some(([, r]) => r.commands.twice || r.commands.never || r.reminders.twice || r.reminders.never || r.reportPosts !== 1)) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
