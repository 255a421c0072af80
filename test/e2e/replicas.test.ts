import { runReplicaScenario } from '../support/replica-scenario';

/**
 * Two web and two worker processes on one PostgreSQL and one Redis, every one of them restarted in
 * turn with SIGTERM while reminders fall due and people send commands: each reminder is sent once,
 * each acknowledged command has one effect and one answer, a report due once is posted once, the
 * repeating schedules exist once, and both workers took a share of the work.
 * (`npm run bench:replicas` runs the same at length on the compiled build, beside one of each.)
 */
test('2 web + 2 worker processes, restarted one at a time: nothing lost, nothing twice, work shared', async () => {
  const r = await runReplicaScenario({ webs: 2, workers: 2, reminders: 120, commands: 160, loadMs: 24_000, rollingRestart: true, settleMs: 40_000 });
  expect(r.restarts).toBe(4);
  expect(r.examples).toEqual([]);
  expect({ twice: r.commands.twice, never: r.commands.never }).toEqual({ twice: 0, never: 0 });
  expect(r.commands.acked).toBeGreaterThan(150);
  expect({ once: r.reminders.once, twice: r.reminders.twice, never: r.reminders.never }).toEqual({ once: 120, twice: 0, never: 0 });
  expect(r.reportPosts).toBe(1);
  expect(r.schedulers).toEqual({ ids: ['nudge-tick', 'report-tick', 'retention'], nextRuns: 3 });
  // Both workers ran queued commands and sent reminders before the restarts.
  expect(r.commandsByWorker.every((n) => n > 0)).toBe(true);
  expect(r.remindersByWorker.every((n) => n > 0)).toBe(true);
}, 180_000);
