import type { ChatPipeline, Outcome } from '../../../../src/bots/pipeline/pipeline';
import { keepCommand, QueuedCommandRunner, type Responder } from '../../../../src/bots/pipeline/queued-command';
import { UnknownWorkspace, type CommandIntake } from '../../../../src/jobs/command-intake';
import type { ChatDirectory } from '../../../../src/bots/pipeline/identify';
import type { Reply } from '../../../../src/bots/pipeline/context';
import { createLogger } from '../../../../src/logger';

/**
 * Who answers a queued command, and when: the pipeline itself is exercised end to end elsewhere;
 * here it is replaced so that each way a run can end is met on purpose.
 */
const command = { platform: 'slack', workspaceId: 'T1', userId: 'U1', key: 'k.1', receivedAt: 1_700_000_000_000, command: 'visit', text: 'Acme met', replyTo: { responseUrl: 'https://hooks.slack.com/x' } };
const reply: Reply = { type: 'card', card: { kind: 'card', text: 'Logged your visit' } };
const logged = { tenantId: 't1', key: 'k.1' };
const outcome = (over: Partial<Outcome> = {}): Outcome => ({ reply, duplicate: false, answer: 'send', logged, locale: 'en', ...over });

function world(run: () => Promise<Outcome>, over: Partial<Record<'markAnswered' | 'releaseAnswer' | 'takeOverAnswer' | 'send', () => Promise<unknown>>> = {}) {
  const sent: Reply[] = [];
  const calls: string[] = [];
  const pipeline = {
    run,
    markAnswered: over.markAnswered ?? (async () => void calls.push('marked')),
    releaseAnswer: over.releaseAnswer ?? (async () => void calls.push('released')),
    takeOverAnswer: over.takeOverAnswer ?? (async () => true),
  } as unknown as ChatPipeline;
  const responder: Responder = { answer: async (_c, r) => void (over.send ? await over.send() : sent.push(r)) };
  const runner = new QueuedCommandRunner(pipeline, { slack: { directory: {} as ChatDirectory, responder } }, createLogger('silent'));
  return { runner, sent, calls };
}

describe('a queued command', () => {
  test('answered once and marked as answered', async () => {
    const w = world(async () => outcome());
    expect(await w.runner.run(command, { final: false })).toBe('answered');
    expect(w.sent).toEqual([reply]);
    expect(w.calls).toEqual(['marked']);
  });

  test('a failure before the last try is thrown for the queue to retry; nobody is told "nothing was saved" yet', async () => {
    const w = world(async () => Promise.reject(new Error('database restarting')));
    await expect(w.runner.run(command, { final: false })).rejects.toThrow('database restarting');
    expect(w.sent).toEqual([]);
  });

  test('a failure on the last try is answered: nothing was saved', async () => {
    const w = world(async () => Promise.reject(new Error('database gone')));
    expect(await w.runner.run(command, { final: true })).toBe('answered');
    expect(JSON.stringify(w.sent)).toContain('nothing was saved');
  });

  test('sent but not marked as sent: not sent again by a retry', async () => {
    const w = world(async () => outcome(), { markAnswered: async () => Promise.reject(new Error('connection reset')) });
    expect(await w.runner.run(command, { final: false })).toBe('answered');
    expect(w.sent).toHaveLength(1);
  });

  test('sending failed: the claim is released and the try fails, so a retry sends it', async () => {
    const w = world(async () => outcome(), { send: async () => Promise.reject(new Error('response_url 500')) });
    await expect(w.runner.run(command, { final: false })).rejects.toThrow('response_url 500');
    expect(w.calls).toEqual(['released']);
  });

  test('answered by another run: not sent again', async () => {
    const w = world(async () => outcome({ duplicate: true, answer: 'sent' }));
    expect(await w.runner.run(command, { final: false })).toBe('answered before');
    expect(w.sent).toEqual([]);
  });

  test('claimed by another run: retried later, and taken over on the last try', async () => {
    const w = world(async () => outcome({ duplicate: true, answer: 'pending' }));
    await expect(w.runner.run(command, { final: false })).rejects.toThrow('another run is sending the answer');
    expect(w.sent).toEqual([]);
    expect(await w.runner.run(command, { final: true })).toBe('answered');
    expect(w.sent).toEqual([reply]);
  });

  test('claimed by another run that then finished: the last try does not send it again', async () => {
    const w = world(async () => outcome({ duplicate: true, answer: 'pending' }), { takeOverAnswer: async () => false });
    expect(await w.runner.run(command, { final: true })).toBe('answered before');
    expect(w.sent).toEqual([]);
  });

  test('a payload this version does not understand is dropped, not retried', async () => {
    const w = world(async () => outcome());
    expect(await w.runner.run({ ...command, key: '' }, { final: false })).toMatch(/^dropped/);
    expect(w.sent).toEqual([]);
  });
});

describe('keeping a command before its ack', () => {
  const intake = (submit: () => Promise<() => void>) => ({ submit }) as unknown as CommandIntake;
  const keep = (submit: () => Promise<() => void>) => keepCommand(intake(submit), command, async () => 't1', createLogger('silent'));

  test('kept: the ack may promise an answer', async () => {
    expect((await keep(async () => () => undefined)).ok).toBe(true);
  });
  test('no store answered: the person is told it is busy (and that it may have been taken)', async () => {
    expect(await keep(async () => Promise.reject(new Error('PostgreSQL did not answer within 1500 ms')))).toEqual({ ok: false, textKey: 'errors.busy' });
  });
  test('a workspace with no tenant here is refused as such, not as busy', async () => {
    expect(await keep(async () => Promise.reject(new UnknownWorkspace()))).toEqual({ ok: false, textKey: 'errors.forbidden.unknown_user' });
  });
});
