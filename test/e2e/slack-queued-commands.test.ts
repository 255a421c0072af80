import { Interaction } from '../../src/domain/activities/interaction.entity';
import { Opportunity } from '../../src/domain/opportunities/opportunity.entity';
import { createChatLayer } from '../../src/bots/chat-layer';
import type { QueuedChatCommand } from '../../src/bots/pipeline/queued-command';
import { SlackDirectory } from '../../src/bots/slack/slack-directory';
import { User } from '../../src/domain/org/user.entity';
import { createLogger } from '../../src/logger';
import { makeCustomer, makeUser } from '../support/factories';
import { startSlackWorld, teamId, type SlackWorld } from '../support/slack-world';

/** Writing commands go through the queue: what a retry, a repeated request or a Redis outage does. */
describe('queued Slack commands', () => {
  let w: SlackWorld;

  beforeAll(async () => {
    w = await startSlackWorld();
    const rep = await makeUser(w.em(), w.tenant, { slackUserId: 'UQREP', name: 'Quinn Rep', timezone: 'Asia/Shanghai', locale: 'zh-CN' });
    await makeCustomer(w.em(), w.tenant, rep.user, 'Queue Corp');
  }, 60_000);

  afterAll(async () => {
    expect(w.fake.violations()).toEqual([]);
    await w.stop();
  });

  // A worker's runner of its own, on the service's database: what a second worker process would do.
  const runner = () => createChatLayer({ config: w.config, orm: w.service.orm, logger: createLogger('silent') }).runner;

  const queued = (text: string, requestId: string, command = 'visit'): QueuedChatCommand => ({
    platform: 'slack',
    workspaceId: teamId,
    userId: 'UQREP',
    key: `slack.cmd.${requestId}`,
    receivedAt: Date.now(),
    channel: { id: 'CQUEUE', isDirect: false },
    command,
    text,
    replyTo: { responseUrl: w.fake.responseUrl(requestId) },
  });
  const answers = (requestId: string) => w.fake.responses.filter((r) => r.id === requestId && r.status === 200).length;

  test('the ack is in the user\'s language and the answer follows through the response_url', async () => {
    await w.slack.command('UQREP', '/visit', 'help');
    const res = await w.slack.command('UQREP', '/visit', 'Queue Corp 见了采购经理');
    expect(res.ack.text).toContain('正在处理');
    expect(JSON.stringify(res.body)).toContain('Queue Corp');
    expect(await w.em().count(Interaction, { notes: '见了采购经理' })).toBe(1);
  });

  test('someone whose commands all go to the worker gets the ack in their language from the second one on', async () => {
    await makeUser(w.em(), w.tenant, { slackUserId: 'UQZH', name: '李娜', locale: 'zh-CN' });
    await makeCustomer(w.em(), w.tenant, (await w.em().findOneOrFail(User, { slackUserId: 'UQZH' })), '队列公司');
    await w.slack.command('UQZH', '/visit', '队列公司 第一次');
    const second = await w.slack.command('UQZH', '/visit', '队列公司 第二次');
    expect(second.ack.text).toContain('正在处理');
    expect(JSON.stringify(second.body)).toContain('已记录');
  });

  test('a job run twice for one request (a worker crashed after writing) writes once and answers once', async () => {
    const first = await runner().run(queued('Queue Corp signed the NDA', 'retry.1'), { final: false });
    const again = await runner().run(queued('Queue Corp signed the NDA', 'retry.1'), { final: false });
    expect([first, again]).toEqual(['answered', 'answered before']);
    expect(await w.em().count(Interaction, { notes: 'signed the NDA' })).toBe(1);
    expect(answers('retry.1')).toBe(1);

    await runner().run(queued('plan Queue Corp tomorrow 10am demo', 'retry.2'), { final: false });
    await runner().run(queued('plan Queue Corp tomorrow 10am demo', 'retry.2'), { final: false });
    expect(await w.em().count(Interaction, { status: 'planned', purpose: 'demo' })).toBe(1);

    await runner().run(queued('new Queue Corp 20k Renewal', 'retry.3', 'opp'), { final: false });
    await runner().run(queued('new Queue Corp 20k Renewal', 'retry.3', 'opp'), { final: false });
    expect(await w.em().count(Opportunity, { title: 'Renewal' })).toBe(1);
    // A different request with the same words is a second visit.
    await runner().run(queued('Queue Corp signed the NDA', 'retry.4'), { final: false });
    expect(await w.em().count(Interaction, { notes: 'signed the NDA' })).toBe(2);
  });

  test('two runs of one request at the same moment: one effect, one answer', async () => {
    const results = await Promise.allSettled([runner().run(queued('Queue Corp raced twice', 'race.1'), { final: false }), runner().run(queued('Queue Corp raced twice', 'race.1'), { final: false })]);
    const said = results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))).sort();
    // The run that lost the race either saw the answer sent, or cannot know yet and is tried again later.
    expect([['answered', 'answered before'], ['AnswerPending: another run is sending the answer', 'answered']]).toContainEqual(said);
    expect(await runner().run(queued('Queue Corp raced twice', 'race.1'), { final: true })).toBe('answered before');
    expect(await w.em().count(Interaction, { notes: 'raced twice' })).toBe(1);
    expect(answers('race.1')).toBe(1);
  });

  test('a worker that died between writing and answering: a later try sends the answer, once', async () => {
    const layer = createChatLayer({ config: w.config, orm: w.service.orm, logger: createLogger('silent') });
    const command = queued('Queue Corp crashed before answering', 'crash.1');
    // What the dead worker got done: the visit and its reply are committed, the answer claimed, nothing sent.
    const { command: name, text, replyTo: _replyTo, ...rest } = command;
    const dead = await layer.pipeline.run({ ...rest, inbound: { kind: 'command', name, text } }, new SlackDirectory([], () => { throw new Error('a known person needs no Slack client'); }), { answerLater: true });
    expect(dead.answer).toBe('send');
    expect(answers('crash.1')).toBe(0);

    await expect(runner().run(command, { final: false })).rejects.toThrow('another run is sending the answer');
    expect(await runner().run(command, { final: true })).toBe('answered');
    expect(await runner().run(command, { final: true })).toBe('answered before');
    expect(await w.em().count(Interaction, { notes: 'crashed before answering' })).toBe(1);
    expect(answers('crash.1')).toBe(1);
    expect(JSON.stringify(w.fake.responses.find((r) => r.id === 'crash.1'))).toContain('Queue Corp');
  });

  test('an answer that could not be sent is sent by the next try, once', async () => {
    w.fake.failNext('response', { status: 503, body: 'unavailable' });
    await expect(runner().run(queued('Queue Corp retried answer', 'answer.1'), { final: false })).rejects.toThrow(/503/);
    expect(await runner().run(queued('Queue Corp retried answer', 'answer.1'), { final: false })).toBe('answered');
    expect(await w.em().count(Interaction, { notes: 'retried answer' })).toBe(1);
    expect(answers('answer.1')).toBe(1);
  });

  test('the same signed request delivered twice is queued once', async () => {
    const triggerId = w.fake.issueTrigger();
    const responseUrl = w.fake.responseUrl('dup-request');
    await w.slack.command('UQREP', '/visit', 'Queue Corp twice delivered', { triggerId, responseUrl });
    await w.slack.command('UQREP', '/visit', 'Queue Corp twice delivered', { triggerId, responseUrl });
    await w.fake.waitFor('response', (r) => r.id === 'dup-request', 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await w.em().count(Interaction, { notes: 'twice delivered' })).toBe(1);
  });

  test('an expired response_url: the answer goes to the user directly', async () => {
    w.fake.failNext('response', { status: 404, body: 'expired_url' });
    const mark = w.fake.mark();
    await runner().run(queued('Queue Corp late answer', 'late.1'), { final: false });
    const dm = await w.fake.waitFor('chat.postEphemeral', (c) => c.seq > mark && JSON.stringify(c.args).includes('Queue Corp'), 5000);
    expect(dm.args.user).toBe('UQREP');
  });
});
