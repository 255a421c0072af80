import { createCanvas } from 'canvas';
import type { Redis } from 'ioredis';
import { SlackNotifier } from '../../../src/bots/slack/slack-notifier';
import { ChannelPacer } from '../../../src/jobs/channel-pacer';
import { DeliveryLedger } from '../../../src/jobs/delivery-ledger';
import { PermanentDeliveryError } from '../../../src/jobs/notifier';
import { redisConnection } from '../../../src/jobs/queues';
import { createLogger } from '../../../src/logger';
import { startJobsWorld, type JobsWorld } from './jobs-world';

let world: JobsWorld;
let notifier: SlackNotifier;
let state: Redis;
beforeAll(async () => {
  world = await startJobsWorld();
  await world.startWorker();
  state = redisConnection(world.config.redisUrl, 'state', createLogger('silent'));
  notifier = new SlackNotifier({
    orm: world.db.orm,
    slack: world.config.slack,
    ledger: new DeliveryLedger(world.db.orm, 3000),
    pacer: new ChannelPacer(state, world.prefix),
    logger: createLogger('silent'),
  });
}, 60_000);
afterAll(async () => { state.disconnect(); await world.stop(); });

const png = (): Buffer => {
  const canvas = createCanvas(40, 20);
  const g = canvas.getContext('2d');
  g.fillStyle = '#336699';
  g.fillRect(0, 0, 40, 20);
  return canvas.toBuffer('image/png');
};

test('images go up through the external upload flow with the text beside them, once per key', async () => {
  const message = { tenantId: world.tenant.id, to: { channelId: 'CREPORTS' }, text: '*Revenue won* $12,000', files: [{ filename: 'revenue.png', title: 'Revenue', bytes: png() }, { filename: 'trend.png', title: 'Trend', bytes: png() }], idempotencyKey: 'report.test.1', kind: 'report' as const };
  expect((await notifier.postFiles(message)).status).toBe('sent');
  expect((await notifier.postFiles(message)).status).toBe('already_sent');
  const shared = world.fake.files.filter((f) => f.channel_id === 'CREPORTS');
  expect(shared.map((f) => f.title)).toEqual(['Revenue', 'Trend']);
  expect(shared[0]!.initial_comment).toBe('*Revenue won* $12,000');
  expect(shared[0]!.bytes.equals(message.files[0]!.bytes)).toBe(true);
  expect(shared[0]!.filename).toMatch(/^revenue-[0-9a-f]{12}\.png$/);
});

test('to a person: into their DM; a channel the bot is not in is a permanent failure', async () => {
  const rep = await world.person();
  await notifier.postFiles({ tenantId: world.tenant.id, to: { userId: rep.user.id }, text: 'yours', files: [{ filename: 'a.png', title: 'A', bytes: png() }], idempotencyKey: 'report.test.dm', kind: 'report' });
  expect(world.fake.files.some((f) => f.channel_id === rep.dmChannel)).toBe(true);
  world.fake.failNext('files.completeUploadExternal', { error: 'not_in_channel' });
  await expect(
    notifier.postFiles({ tenantId: world.tenant.id, to: { channelId: 'CPRIVATE' }, text: 'x', files: [{ filename: 'b.png', title: 'B', bytes: png() }], idempotencyKey: 'report.test.private', kind: 'report' }),
  ).rejects.toBeInstanceOf(PermanentDeliveryError);
});
