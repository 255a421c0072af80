import { SlackNotifier } from '../../../src/bots/slack/slack-notifier';
import { importProducts } from '../../../src/cli/import-products.command';
import { createQuote } from '../../../src/domain/quotes/create-quote';
import { decideQuote } from '../../../src/domain/quotes/decide-quote';
import { ChannelPacer } from '../../../src/jobs/channel-pacer';
import { noCommandRunner } from '../../../src/jobs/chat-command.job';
import { systemClock } from '../../../src/jobs/clock';
import { DeliveryLedger } from '../../../src/jobs/delivery-ledger';
import type { JobContext } from '../../../src/jobs/job-definition';
import { quoteApprovalReminderJob } from '../../../src/jobs/quote-messages.job';
import { createLogger } from '../../../src/logger';
import { makeUnit } from '../../support/factories';
import { startJobsWorld, type JobsWorld } from './jobs-world';

let world: JobsWorld;
beforeAll(async () => { world = await startJobsWorld(); }, 60_000);
afterAll(async () => { await world.stop(); });

test('a quote still pending a day later reminds its approver once; a decided one does not', async () => {
  const worker = await world.startWorker();
  const unit = await makeUnit(world.em(), world.tenant, 'Sales/Quotes');
  const manager = await world.person({ role: 'manager', unit, manages: true, name: 'Li' });
  const rep = await world.person({ unit, name: 'Amy' });
  // The unit came from another unit of work: set its manager in the database.
  await world.em().getConnection().execute(`update org_units set manager_id = ? where id = ?`, [manager.user.id, unit.id]);
  await importProducts(world.em(), world.tenant.slug, 'sku,name,list_price,currency\nSKU-1,Widget,100.00,USD\n');
  const quote = await createQuote(world.em(), rep.actor, { customerId: rep.customer.id, lines: [{ sku: 'SKU-1', quantity: 3 }], extraPercentOff: '10' });
  const logger = createLogger('silent');
  const ctx = (): JobContext => ({
    em: world.db.orm.em.fork(),
    orm: world.db.orm,
    notifier: new SlackNotifier({ orm: world.db.orm, slack: world.config.slack, ledger: new DeliveryLedger(world.db.orm, 3000), pacer: new ChannelPacer(worker.queues.connection, world.prefix), logger }),
    queues: worker.queues,
    clock: systemClock,
    log: logger,
    commands: noCommandRunner,
    finalAttempt: false,
    archiveDir: null,
  });
  const data = { tenantId: world.tenant.id, outboxId: 'test', quoteId: quote.id, approverId: manager.user.id };
  expect(await quoteApprovalReminderJob.handle(data, ctx())).toBe('sent');
  expect(await quoteApprovalReminderJob.handle(data, ctx())).toBe('already_sent');
  const reminders = world.dms(manager.dmChannel).filter((c) => JSON.stringify(c.args).includes('Still waiting'));
  expect(reminders).toHaveLength(1);
  expect(JSON.stringify(reminders[0]!.args)).toContain('quote.approve');

  const other = await createQuote(world.em(), rep.actor, { customerId: rep.customer.id, lines: [{ sku: 'SKU-1', quantity: 1 }], extraPercentOff: '10' });
  await decideQuote(world.em(), manager.actor, { quoteId: other.id, decision: 'approve' });
  expect(await quoteApprovalReminderJob.handle({ ...data, quoteId: other.id }, ctx())).toBe('skipped: decided');
});
