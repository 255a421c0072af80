/**
 * Benchmark: writing `/visit` commands at a steady rate into the compiled web process while it is
 * SIGKILLed again and again (and started again on the same port), with a worker beside it. Every
 * command that got its "working on it" ack must end as exactly one visit and one answer.
 *
 *   npm run bench:kill            (RATE=150 KILLS=5 UP_MS=3000 to change it)
 */
import fs from 'node:fs';
import path from 'node:path';
import { runWebKillScenario } from '../test/support/web-kill-scenario';

async function main() {
  const compiled = path.resolve(__dirname, '../dist/src/main.js');
  if (!fs.existsSync(compiled)) throw new Error('run `npm run build` first (the benchmark measures the compiled service)');
  const rate = Number(process.env.RATE ?? 150);
  const kills = Number(process.env.KILLS ?? 5);
  const upMs = Number(process.env.UP_MS ?? 3000);
  const started = performance.now();
  const r = await runWebKillScenario({ rate, kills, upMs, entry: compiled, settleMs: 60_000 });
  console.log(`\nweb process SIGKILLed ${r.kills} times, each after serving ${upMs} ms, under ${rate} writing commands/s; one worker beside it (${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
  console.log(`sent ${r.sent} · acked ${r.acked} · not acked ${r.notAcked} (the process was down or died mid-request)`);
  console.log(`acked → done once ${r.doneOnce} · lost ${r.lost} · twice ${r.twice}   (target: lost 0, twice 0)`);
  console.log(`not acked but done anyway (durable before the kill; answered later, once): ${r.doneAnyway}`);
  if (r.examples.length) console.log(`examples: ${r.examples.join('; ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
