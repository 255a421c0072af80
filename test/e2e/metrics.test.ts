import { eventually } from '../support/eventually';
import { makeCustomer, makeUser } from '../support/factories';
import { startSlackWorld, type SlackWorld } from '../support/slack-world';

/** `/metrics`: what an operator scrapes moves as the product is used. */
let w: SlackWorld;
const token = 'metrics-token-for-tests';

beforeAll(async () => {
  w = await startSlackWorld({ METRICS_TOKEN: token });
  const rep = await makeUser(w.em(), w.tenant, { slackUserId: 'UMETRICS', name: 'Mo Metrics' });
  await makeCustomer(w.em(), w.tenant, rep.user, 'Metric Corp');
}, 60_000);
afterAll(async () => {
  await w.stop();
});

const scrape = async () => {
  const res = await fetch(`http://127.0.0.1:${w.service.port}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.text();
};
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

test('without the token: 401, and nothing is told', async () => {
  const res = await fetch(`http://127.0.0.1:${w.service.port}/metrics`);
  expect(res.status).toBe(401);
  expect(await res.text()).not.toContain('sfa_');
});

test('commands, their latency and the queues show up; process metrics are there', async () => {
  const before = await scrape();
  const ok = 'sfa_chat_interactions_total{platform="slack",kind="command",outcome="ok"}';
  await w.slack.command('UMETRICS', '/customer', 'Metric Corp');
  await w.slack.command('UMETRICS', '/visit', 'Metric Corp met the buyer');
  await w.slack.command('UMETRICS', '/sfa', 'help');
  const after = await scrape();
  expect(value(after, ok) - value(before, ok)).toBeGreaterThanOrEqual(3);
  expect(value(after, 'sfa_chat_interaction_seconds_count{platform="slack",kind="command"}')).toBeGreaterThan(value(before, 'sfa_chat_interaction_seconds_count{platform="slack",kind="command"}'));
  expect(after).toMatch(/sfa_queue_jobs\{queue="[\w-]*commands",state="waiting"\} \d+/);
  expect(after).toMatch(/sfa_queue_oldest_waiting_seconds\{queue="[\w-]*deliveries"\} [\d.]+/);
  expect(after).toContain('process_cpu_user_seconds_total');
  // Every command was acknowledged over HTTP, and timed as such.
  const acks = 'sfa_chat_ack_seconds_count{platform="slack"}';
  expect(value(after, acks) - value(before, acks)).toBeGreaterThanOrEqual(3);
});

test('a queued write is timed from receipt to its answer', async () => {
  const answers = 'sfa_chat_answer_seconds_count{platform="slack"}';
  const before = value(await scrape(), answers);
  await w.slack.command('UMETRICS', '/visit', 'Metric Corp showed the new range');
  await eventually(async () => expect(value(await scrape(), answers)).toBe(before + 1), 10_000, 100);
});

test('the outbox and the database pool are read when scraped', async () => {
  const text = await scrape();
  expect(text).toMatch(/^sfa_outbox_unsettled \d+$/m);
  expect(text).toMatch(/^sfa_outbox_lag_seconds [\d.e+-]+$/m);
  // This scrape itself reads the outbox: at least one connection is counted somewhere.
  const pool = ['used', 'free', 'pending'].map((state) => value(text, `sfa_db_pool_connections{state="${state}"}`));
  expect(text).toContain('sfa_db_pool_connections{state="pending"}');
  expect(pool[0]! + pool[1]!).toBeGreaterThan(0);
});

test('a report posted is timed', async () => {
  const series = 'sfa_build_seconds_count{kind="report"}';
  const before = value(await scrape(), series);
  const files = w.fake.files.length;
  await w.slack.command('UMETRICS', '/report', '', { channelId: 'DMETRICS' });
  for (let i = 0; i < 100 && w.fake.files.length === files; i++) await new Promise((r) => setTimeout(r, 100));
  expect(value(await scrape(), series)).toBe(before + 1);
  // Its delivery is counted by platform, kind and outcome.
  await eventually(async () => expect(value(await scrape(), 'sfa_deliveries_total{platform="slack",kind="report",outcome="sent"}')).toBeGreaterThanOrEqual(1), 10_000, 100);
});
