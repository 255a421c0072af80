/**
 * Benchmark: signed `/visit <customer> <notes>` commands against the real service (PostgreSQL
 * writes, audit, Bolt), beside a bare Bolt app that only acks the same requests.
 * Prints throughput at full load and latency at a fixed 100 requests/s, and the ratio.
 *
 *   npm run bench:slack            (DURATION=10 CONNECTIONS=10 to change the load)
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { migrate, openOrm } from '../src/db/orm';
import { Customer } from '../src/domain/customers/customer.entity';
import { searchNameOf } from '../src/domain/customers/customer-access';
import { User } from '../src/domain/org/user.entity';
import { Tenant } from '../src/domain/tenants/tenant.entity';
import { startFakeSlack } from '../test/support/fake-slack';
import { spawnService } from '../test/support/spawn-service';

const duration = Number(process.env.DURATION ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 10);
const signingSecret = 'bench-signing-secret';
const teamId = 'TBENCH';
const users = 50;

function signedVisit(userIndex: number, seq: number) {
  const params = new URLSearchParams({
    token: 'x', team_id: teamId, team_domain: 'bench', channel_id: 'CBENCH', channel_name: 'bench',
    user_id: `UBENCH${userIndex}`, user_name: `rep${userIndex}`, command: '/visit',
    text: `Bench Customer ${userIndex} met the CFO, visit ${seq}`, api_app_id: 'ABENCH',
    response_url: 'http://127.0.0.1:9/unused', trigger_id: `${seq}.bench`,
  });
  const body = params.toString();
  const ts = Math.floor(Date.now() / 1000).toString();
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { method: 'POST' as const, path: '/slack/events', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature } };
}

function requests(count: number) {
  return Array.from({ length: count }, (_, i) => signedVisit(i % users, i));
}

async function load(port: number, opts: { rate?: number; seconds: number }) {
  const reqs = requests(4000);
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: opts.rate ? Math.max(4, connections) : connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [{ setupRequest: () => reqs[i++ % reqs.length]! }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    total: result.requests.total,
  };
}

async function main() {
  const dbName = `sfa_bench_${randomBytes(3).toString('hex')}`;
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;
  const fake = await startFakeSlack({ team: { id: teamId, name: 'Bench' } });
  const orm = await openOrm(databaseUrl);
  await migrate(orm);
  const env = { SFA_ROLE: 'web', DATABASE_URL: databaseUrl, SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: fake.url, LOG_LEVEL: 'info' };
  // The service runs as production does: compiled JavaScript (npm run build first).
  const compiled = path.resolve(__dirname, '../dist/src/main.js');
  if (!fs.existsSync(compiled)) throw new Error('run `npm run build` first (the benchmark measures the compiled service)');
  const service = await spawnService(env, 20_000, compiled);
  // Seed after start-up so the tenant the service created from auth.test gets the data.
  const em = orm.em.fork();
  const tenant = await em.findOneOrFail(Tenant, { slackTeamId: teamId });
  for (let u = 0; u < users; u++) {
    const user = em.create(User, { tenantId: tenant.id, name: `Rep ${u}`, email: `rep${u}@bench.test`, role: 'rep', slackTeamId: teamId, slackUserId: `UBENCH${u}` } as User);
    em.create(Customer, { tenantId: tenant.id, name: `Bench Customer ${u}`, searchName: searchNameOf(`Bench Customer ${u}`), ownerId: user.id } as Customer);
  }
  await em.flush();

  const bare = await spawnService({ SLACK_SIGNING_SECRET: signingSecret }, 20_000, path.join(__dirname, 'bare-bolt.ts'));
  try {
    await load(service.port, { seconds: 2 }); // warm-up
    await load(bare.port, { seconds: 2 });
    const full = { sfa: await load(service.port, { seconds: duration }), bare: await load(bare.port, { seconds: duration }) };
    const paced = { sfa: await load(service.port, { seconds: duration, rate: 100 }), bare: await load(bare.port, { seconds: duration, rate: 100 }) };
    const logged = await orm.em.fork().getConnection().execute(`select count(*)::int as n from interactions`);

    const row = (name: string, r: Awaited<ReturnType<typeof load>>) =>
      `${name.padEnd(28)} ${r.rps.toFixed(0).padStart(8)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  errors ${r.errors}`;
    console.log(`\n/visit benchmark — ${duration}s per run, ${connections} connections, 2-core machine`);
    console.log(row('full load: SFA /visit', full.sfa));
    console.log(row('full load: bare Bolt ack', full.bare));
    console.log(row('100 req/s: SFA /visit', paced.sfa));
    console.log(row('100 req/s: bare Bolt ack', paced.bare));
    console.log(`throughput ratio SFA / bare: ${(full.sfa.rps / full.bare.rps * 100).toFixed(1)} %  (target ≥ 50 %)`);
    console.log(`p99 at 100 req/s: ${paced.sfa.p99} ms  (target < 100 ms)`);
    console.log(`visits written: ${logged[0].n}`);
  } finally {
    service.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    await Promise.all([service.exit, bare.exit]);
    await fake.close();
    await orm.close(true);
    const admin = await openOrm('postgres://postgres@127.0.0.1:5432/postgres');
    await admin.em.getConnection().execute(`drop database if exists "${dbName}" with (force)`);
    await admin.close(true);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
