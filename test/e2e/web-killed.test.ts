import { runWebKillScenario } from '../support/web-kill-scenario';

/**
 * An acknowledged command is never lost: the web process is SIGKILLed twice while taking 100
 * writing commands a second, and every command whose "working on it" ack arrived ends as exactly
 * one visit and one answer. (`npm run bench:kill` runs the same at length on the compiled build.)
 */
test('a web process killed under load loses no acknowledged command and does none twice', async () => {
  const r = await runWebKillScenario({ rate: 100, kills: 2, upMs: 2000, settleMs: 30_000 });
  expect(r.kills).toBe(2);
  expect(r.acked).toBeGreaterThan(100);
  expect({ lost: r.lost, twice: r.twice, examples: r.examples }).toEqual({ lost: 0, twice: 0, examples: [] });
  expect(r.doneOnce).toBe(r.acked);
}, 120_000);
