/**
 * Benchmark: writing `/visit` commands at a steady rate into the compiled web process while it is
 * SIGKILLed again and again (and started again on the same port), with a worker beside it. Every
 * command that got its "working on it" ack must end as exactly one visit and one answer.
 *
 *   npm run bench:kill            (RATE=150 SECONDS=20 KILL_EVERY_MS=2500 to change it)
 */
import fs from 'node:fs';
import path from 'node:path';
import { runWebKillScenario } from '../test/support/web-kill-scenario';

async function main() {
  const compiled = path.resolve(__dirname, '../dist/src/main.js');
  if (!fs.existsSync(compiled)) throw new Error('run `npm run build` first (the benchmark measures the compiled service)');
  const rate = Number(process.env.RATE ?? 150);
  const seconds = Number(process.env.SECONDS ?? 20);
  const killEveryMs = Number(process.env.KILL_EVERY_MS ?? 2500);
  const r = await runWebKillScenario({ rate, seconds, killEveryMs, entry: compiled, settleMs: 60_000 });
  console.log(`\nweb process SIGKILLed every ${killEveryMs} ms under ${rate} writing commands/s for ${seconds} s (${r.kills} kills), one worker beside it`);
  console.log(`sent ${r.sent} · acked ${r.acked} · not acked ${r.notAcked} (the process was down or died mid-request)`);
  console.log(`acked → done once ${r.doneOnce} · lost ${r.lost} · twice ${r.twice}   (target: lost 0, twice 0)`);
  console.log(`not acked but done anyway (durable before the kill; answered later, once): ${r.doneAnyway}`);
  if (r.examples.length) console.log(`examples: ${r.examples.join('; ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
