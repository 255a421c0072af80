import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, ExpressReceiver, LogLevel, type Logger } from '@slack/bolt';
import { ErrorCode, WebClient, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import express from 'express';
import { checkBlockKitLimits, checkOptionsResponse, startFakeSlack, type FakeSlack } from '../../support/fake-slack';
import { createSlackDriver, signSlackRequest } from '../../support/slack-driver';

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {} };
let fake: FakeSlack;
let client: WebClient;

beforeAll(async () => {
  fake = await startFakeSlack({ team: { id: 'T0UNIT', name: 'Unit Co' }, botUserId: 'UBOTUNIT' });
  client = new WebClient('xoxb-unit', { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: quiet });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const platformError = async (p: Promise<unknown>) => {
  const err = (await p.then(() => null, (e: unknown) => e)) as WebAPIPlatformError | null;
  expect(err).not.toBeNull();
  expect(err!.code).toBe(ErrorCode.PlatformError);
  return err!.data;
};

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('fake Slack Web API with the real WebClient', () => {
  test('auth.test names the configured workspace and bot', async () => {
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, team_id: 'T0UNIT', team: 'Unit Co', user_id: 'UBOTUNIT', bot_id: 'BBOT' });
    expect(new URL(auth.url!).hostname).toBe('unit-co.slack.com');
    expect(fake.callsTo('auth.test')[0]).toMatchObject({ token: 'xoxb-unit', ok: true });
  });

  test('no token and a non-Slack token are refused as Slack does', async () => {
    const anonymous = new WebClient(undefined, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: quiet });
    expect(await platformError(anonymous.auth.test())).toMatchObject({ error: 'not_authed' });
    const bogus = new WebClient('not-a-token', { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: quiet });
    expect(await platformError(bogus.auth.test())).toMatchObject({ error: 'invalid_auth' });
  });

  test('users.info returns a Chinese-speaking user with locale and tz offset; unknown ids are user_not_found', async () => {
    fake.setUser('UZH', { name: 'zhang', real_name: '张伟', tz: 'Asia/Shanghai', locale: 'zh-CN' });
    const info = await client.users.info({ user: 'UZH', include_locale: true });
    expect(info.user).toMatchObject({ id: 'UZH', team_id: 'T0UNIT', name: 'zhang', real_name: '张伟', tz: 'Asia/Shanghai', tz_offset: 28800, locale: 'zh-CN', is_bot: false, deleted: false });
    expect(info.user?.profile).toMatchObject({ real_name: '张伟', email: 'zhang@example.com' });
    // Like Slack, locale only comes back when asked for.
    expect((await client.users.info({ user: 'UZH' })).user?.locale).toBeUndefined();
    expect(await platformError(client.users.info({ user: 'UNOBODY' }))).toMatchObject({ error: 'user_not_found' });
  });

  test('chat.postMessage records the blocks and answers with increasing ts; a user id posts to the DM', async () => {
    const blocks = [section('*ACME* visit logged')];
    const first = await client.chat.postMessage({ channel: 'UREP1', text: 'Visit logged', blocks });
    const second = await client.chat.postMessage({ channel: 'C0SALES', text: 'again' });
    expect(first).toMatchObject({ ok: true, channel: 'DREP1', message: { text: 'Visit logged', blocks } });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    const call = fake.callsTo('chat.postMessage')[0]!;
    expect(call.args).toMatchObject({ channel: 'UREP1', text: 'Visit logged', blocks });
    expect(fake.violations()).toEqual([]);

    const updated = await client.chat.update({ channel: 'DREP1', ts: first.ts!, text: 'Visit edited' });
    expect(updated).toMatchObject({ ok: true, ts: first.ts, channel: 'DREP1', text: 'Visit edited' });
    expect(await platformError(client.chat.update({ channel: 'DREP1', ts: '1.000001', text: 'x' }))).toMatchObject({ error: 'message_not_found' });
    expect(await platformError(client.chat.postMessage({ channel: 'not a channel', text: 'x' }))).toMatchObject({ error: 'channel_not_found' });
  });

  test('ephemeral, DM open and scheduled messages answer with Slack fields', async () => {
    expect(await client.chat.postEphemeral({ channel: 'C0SALES', user: 'UREP1', text: 'only you' })).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect((await client.conversations.open({ users: 'UREP1' })).channel?.id).toBe('DREP1');
    const postAt = Math.floor(Date.now() / 1000) + 3600;
    const scheduled = await client.chat.scheduleMessage({ channel: 'DREP1', text: 'Reminder: ACME', post_at: postAt });
    expect(scheduled).toMatchObject({ ok: true, channel: 'DREP1', post_at: postAt, scheduled_message_id: expect.stringMatching(/^Q/) });
    expect(await platformError(client.chat.scheduleMessage({ channel: 'DREP1', text: 'late', post_at: postAt - 7200 }))).toMatchObject({ error: 'time_in_past' });
  });

  test('the whole files.uploadV2 flow stores the bytes with channel and comment', async () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 256));
    const res = await client.files.uploadV2({ channel_id: 'C0SALES', file: bytes, filename: 'pipeline.png', initial_comment: 'Pipeline this week', title: 'Pipeline' });
    expect(res.ok).toBe(true);
    expect(fake.callsTo('files.getUploadURLExternal')[0]!.args).toMatchObject({ filename: 'pipeline.png', length: '5000' });
    expect(fake.files).toHaveLength(1);
    const file = fake.files[0]!;
    expect(file).toMatchObject({ filename: 'pipeline.png', title: 'Pipeline', channel_id: 'C0SALES', initial_comment: 'Pipeline this week', length: 5000 });
    expect(file.bytes.equals(bytes)).toBe(true);
    const completed = fake.callsTo('files.completeUploadExternal')[0]!;
    expect(completed.response.files[0]).toMatchObject({ id: file.file_id, name: 'pipeline.png', mimetype: 'image/png', size: 5000 });
  });

  test('completing an upload whose bytes never arrived fails; getUploadURLExternal needs filename and length', async () => {
    const url = await client.files.getUploadURLExternal({ filename: 'a.csv', length: 10 });
    expect(url.upload_url).toBe(`${fake.origin}/upload/${url.file_id}`);
    expect(await platformError(client.files.completeUploadExternal({ files: [{ id: url.file_id! }], channel_id: 'C0SALES' }))).toMatchObject({ error: 'file_not_found' });
    expect(await platformError(client.apiCall('files.getUploadURLExternal', { filename: 'a.csv' }))).toMatchObject({ error: 'invalid_arguments' });
    // Bytes whose count differs from the announced length are refused and reported.
    const post = await fetch(url.upload_url!, { method: 'POST', body: Buffer.from('short') });
    expect(post.status).toBe(400);
    expect(fake.violations().map((v) => v.method)).toEqual(['upload']);
  });

  test('a queued 429 carries Retry-After; rejectRateLimitedCalls surfaces it as a rate-limit error', async () => {
    const strict = new WebClient('xoxb-unit', { slackApiUrl: fake.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: quiet });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const err = (await strict.chat.postMessage({ channel: 'C0SALES', text: 'hi' }).catch((e: unknown) => e)) as WebAPIRateLimitedError;
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(7);
    expect(fake.callsTo('chat.postMessage')[0]).toMatchObject({ status: 429, ok: false, error: 'ratelimited' });
    // Only the next call failed.
    expect((await strict.chat.postMessage({ channel: 'C0SALES', text: 'hi' })).ok).toBe(true);
  });

  test('queued errors are answered as Slack platform errors', async () => {
    fake.failNext('chat.postMessage', { error: 'is_archived' });
    fake.failNext('users.info', { error: 'account_inactive' });
    expect(await platformError(client.chat.postMessage({ channel: 'C0OLD', text: 'x' }))).toMatchObject({ error: 'is_archived' });
    expect(await platformError(client.users.info({ user: 'UBOTUNIT' }))).toMatchObject({ error: 'account_inactive' });
    expect(await platformError(client.apiCall('made.up'))).toMatchObject({ error: 'unknown_method' });
  });

  test('Block Kit over the limits is refused with invalid_blocks and recorded as a violation', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`row ${i}`));
    const data = await platformError(client.chat.postMessage({ channel: 'C0SALES', text: 'x', blocks: tooMany }));
    expect(data.error).toBe('invalid_blocks');
    expect(data.response_metadata?.messages).toEqual(['[ERROR] no more than 50 items allowed [json-pointer:/blocks]']);

    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
      { type: 'actions', elements: [{ type: 'button', action_id: 'a'.repeat(256), text: { type: 'plain_text', text: 'b'.repeat(76) } }] },
    ];
    await platformError(client.chat.postMessage({ channel: 'C0SALES', text: 'x', blocks }));
    const messages = fake.violations().flatMap((v) => v.messages);
    expect(messages).toEqual(expect.arrayContaining([
      '[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]',
      '[ERROR] must be less than 256 characters [json-pointer:/blocks/1/elements/0/action_id]',
      '[ERROR] must be less than 76 characters [json-pointer:/blocks/1/elements/0/text/text]',
    ]));
    expect(fake.callsTo('chat.postMessage').every((c) => c.violations.length > 0)).toBe(true);
  });

  test('views: a valid modal opens with a trigger once; an over-long title is refused; Home publishes', async () => {
    const view = { type: 'modal' as const, callback_id: 'visit.log', title: { type: 'plain_text' as const, text: 'Log a visit' }, submit: { type: 'plain_text' as const, text: 'Save' }, blocks: [{ type: 'input', block_id: 'notes', label: { type: 'plain_text', text: 'Notes' }, element: { type: 'plain_text_input', action_id: 'notes', multiline: true } }] };
    const trigger = fake.issueTrigger();
    const opened = await client.views.open({ trigger_id: trigger, view });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), callback_id: 'visit.log', hash: expect.any(String) });
    expect(await platformError(client.views.open({ trigger_id: trigger, view }))).toMatchObject({ error: 'exchanged_trigger_id' });
    expect(await platformError(client.views.open({ trigger_id: 'made-up', view }))).toMatchObject({ error: 'invalid_trigger_id' });

    const updated = await client.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: { ...view, private_metadata: 'x' } });
    expect(updated.view?.id).toBe(opened.view!.id);
    expect(await platformError(client.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view }))).toMatchObject({ error: 'hash_conflict' });

    const long = await platformError(client.views.open({ trigger_id: fake.issueTrigger(), view: { ...view, title: { type: 'plain_text', text: 'A title that is far too long' } } }));
    expect(long.response_metadata?.messages).toEqual(['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]']);

    const home = await client.views.publish({ user_id: 'UREP1', view: { type: 'home', blocks: [section('Today')] } });
    expect(home.view).toMatchObject({ type: 'home', id: expect.stringMatching(/^V/) });
    expect(fake.violations().map((v) => v.method)).toEqual(['views.open', 'views.open']); // reused trigger + long title
  });

  test('an expired trigger_id is refused like Slack after 3 s', async () => {
    const quick = await startFakeSlack({ triggerTtlMs: 5 });
    try {
      const c = new WebClient('xoxb-unit', { slackApiUrl: quick.url, retryConfig: { retries: 0 }, logger: quiet });
      const trigger = quick.issueTrigger();
      await new Promise((r) => setTimeout(r, 20));
      const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'T' }, blocks: [] };
      expect(await platformError(c.views.open({ trigger_id: trigger, view }))).toMatchObject({ error: 'expired_trigger_id' });
    } finally {
      await quick.close();
    }
  });

  test('waitFor resolves when the call arrives, respects a mark, and times out with what it saw', async () => {
    const waiting = fake.waitFor('chat.postMessage', (c) => c.args.text === 'later', 2000);
    setTimeout(() => void client.chat.postMessage({ channel: 'C1', text: 'later' }), 20);
    expect((await waiting).args.text).toBe('later');
    const mark = fake.mark();
    await expect(fake.waitFor('chat.postMessage', undefined, 50, { after: mark })).rejects.toThrow(/no matching chat.postMessage within 50 ms; 1 chat.postMessage seen/);
  });

  test('conversations.history lists a channel newest first, with message metadata only when asked', async () => {
    const metadata = { event_type: 'sfa_delivery', event_payload: { key: 'k1' } };
    const first = await client.chat.postMessage({ channel: 'DREP9', text: 'one', metadata });
    await client.chat.postMessage({ channel: 'DREP9', text: 'two' });
    await client.chat.postMessage({ channel: 'DOTHER', text: 'elsewhere' });
    const plain = await client.conversations.history({ channel: 'DREP9' });
    expect(plain.messages!.map((m) => m.text)).toEqual(['two', 'one']);
    expect(plain.messages!.some((m) => 'metadata' in m)).toBe(false);
    const withMeta = await client.conversations.history({ channel: 'DREP9', include_all_metadata: true, oldest: String(Number(first.ts) - 1) });
    expect(withMeta.messages!.find((m) => m.ts === first.ts)).toMatchObject({ metadata });
    expect((await client.conversations.history({ channel: 'DREP9', oldest: first.ts })).messages!.map((m) => m.text)).toEqual(['two']);
  });

  test('holdNext carries a call out but answers only on release', async () => {
    const held = fake.holdNext('chat.postMessage');
    const sending = client.chat.postMessage({ channel: 'DREP9', text: 'held' });
    const call = await held.arrived;
    expect(call.args.text).toBe('held');
    const early = await Promise.race([sending.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 100))]);
    expect(early).toBe('waiting');
    // Slack already has it: a history read shows the message before the sender hears back.
    expect((await client.conversations.history({ channel: 'DREP9' })).messages!.map((m) => m.text)).toEqual(['held']);
    held.release();
    expect(await sending).toMatchObject({ ok: true, ts: call.response.ts });
  });

  test('response_url posts are recorded, checked, and refused after 5 uses', async () => {
    const url = fake.responseUrl('cmd-1');
    const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ text: 'Done', replace_original: true })).status).toBe(200);
    const got = await fake.waitFor('response', (r) => r.id === 'cmd-1', 1000);
    expect(got.body).toEqual({ text: 'Done', replace_original: true });
    for (let i = 0; i < 4; i++) await post({ text: `again ${i}` });
    const sixth = await post({ text: 'too many' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toMatchObject({ error: 'used_url' });
    expect(fake.responses).toHaveLength(6);
    expect(fake.violations()).toEqual([{ seq: expect.any(Number), method: 'response', messages: ['response_url cmd-1 used 6 times (Slack allows 5 in 30 minutes)'] }]);
  });

  test('oauth.v2.access exchanges a one-time code for a bot token of the granted workspace', async () => {
    const code = fake.oauthCode({ team: { id: 'T0OTHER', name: 'Other Inc' }, userId: 'UINSTALL' });
    const anonymous = new WebClient(undefined, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: quiet });
    const grant = await anonymous.oauth.v2.access({ code, client_id: 'cid', client_secret: 'secret' });
    expect(grant).toMatchObject({ ok: true, token_type: 'bot', team: { id: 'T0OTHER' }, authed_user: { id: 'UINSTALL' }, app_id: 'AFAKEAPP', bot_user_id: 'UBOTUNIT' });
    expect(grant.access_token).toMatch(/^xoxb-/);
    expect((await new WebClient(grant.access_token, { slackApiUrl: fake.url, logger: quiet }).auth.test()).team_id).toBe('T0OTHER');
    expect(await platformError(anonymous.oauth.v2.access({ code, client_id: 'cid', client_secret: 'secret' }))).toMatchObject({ error: 'invalid_code' });
  });
});

describe('checkBlockKitLimits (pure)', () => {
  test('a realistic message and modal pass', () => {
    expect(checkBlockKitLimits({ blocks: [{ type: 'header', text: { type: 'plain_text', text: '上海华为技术有限公司' } }, section('ok'), { type: 'divider' }, { type: 'context', elements: [{ type: 'mrkdwn', text: 'hint' }] }] })).toEqual([]);
    expect(checkBlockKitLimits({ type: 'modal', title: { type: 'plain_text', text: '记录拜访' }, submit: { type: 'plain_text', text: '保存' }, private_metadata: 'x'.repeat(3000), blocks: [] })).toEqual([]);
  });

  test('finds each kind of breach', () => {
    const field = { type: 'mrkdwn', text: 'f'.repeat(2001) };
    const option = (t: string) => ({ text: { type: 'plain_text', text: t }, value: t });
    const errors = checkBlockKitLimits({
      blocks: [
        { type: 'section', block_id: 'b', text: { type: 'mrkdwn', text: 's'.repeat(3001) }, fields: Array.from({ length: 11 }, () => field) },
        { type: 'section', block_id: 'b', text: { type: 'mrkdwn', text: '' } },
        { type: 'actions', elements: Array.from({ length: 26 }, (_, i) => ({ type: 'button', action_id: `a${i}`, text: { type: 'plain_text', text: 'x' } })) },
        { type: 'actions', elements: [{ type: 'static_select', action_id: 's', options: [option('o'.repeat(76))] }] },
        { type: 'fancy' },
      ],
    });
    expect(errors).toEqual(expect.arrayContaining([
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
      '[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/fields]',
      '[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]',
      "[ERROR] duplicate block_id 'b' [json-pointer:/blocks/1/block_id]",
      '[ERROR] must be more than 0 characters [json-pointer:/blocks/1/text/text]',
      '[ERROR] no more than 25 items allowed [json-pointer:/blocks/2/elements]',
      '[ERROR] must be less than 76 characters [json-pointer:/blocks/3/elements/0/options/0/text/text]',
      '[ERROR] must be less than 76 characters [json-pointer:/blocks/3/elements/0/options/0/value]',
      "[ERROR] unknown block type 'fancy' [json-pointer:/blocks/4/type]",
    ]));
    const view = checkBlockKitLimits({
      type: 'modal',
      title: { type: 'plain_text', text: 't'.repeat(25) },
      close: { type: 'plain_text', text: 'c'.repeat(25) },
      private_metadata: 'm'.repeat(3001),
      blocks: [...Array.from({ length: 101 }, () => ({ type: 'divider' })), { type: 'input', label: { type: 'plain_text', text: 'L' }, element: { type: 'plain_text_input', action_id: 'i' } }],
    });
    expect(view).toEqual([
      '[ERROR] no more than 100 items allowed [json-pointer:/blocks]',
      '[ERROR] must be less than 3001 characters [json-pointer:/private_metadata]',
      '[ERROR] must be less than 25 characters [json-pointer:/title/text]',
      '[ERROR] must be less than 25 characters [json-pointer:/close/text]',
      '[ERROR] submit is required when an input block is present [json-pointer:/submit]',
    ]);
    expect(checkOptionsResponse({ options: Array.from({ length: 101 }, (_, i) => option(`c${i}`)) })).toEqual(['[ERROR] no more than 100 items allowed [json-pointer:/options]']);
  });
});

describe('slack driver against a real Bolt app', () => {
  const signingSecret = 'unit-signing-secret';
  let server: Server;
  let driver: ReturnType<typeof createSlackDriver>;
  const seen: { commands: string[]; retryNums: Array<number | undefined> } = { commands: [], retryNums: [] };

  beforeAll(async () => {
    const http = express();
    const receiver = new ExpressReceiver({ signingSecret, app: http, logger: quiet });
    const app = new App({ receiver, token: 'xoxb-unit', botId: 'BBOT', botUserId: 'UBOTUNIT', logger: quiet, deferInitialization: true, clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: quiet } });
    app.command('/visit', async ({ command, ack, client }) => {
      seen.commands.push(command.text);
      if (command.text === '') {
        await ack();
        await client.views.open({ trigger_id: command.trigger_id, view: { type: 'modal', callback_id: 'visit.log', title: { type: 'plain_text', text: 'Log a visit' }, blocks: [] } });
        return;
      }
      await ack({ response_type: 'ephemeral', text: `Logged: ${command.text}`, blocks: [section(`Logged: *${command.text}*`), { type: 'actions', elements: [{ type: 'button', action_id: 'visit.cancel', value: 'v1', text: { type: 'plain_text', text: 'Cancel' } }] }] });
    });
    app.action('visit.cancel', async ({ ack, respond, body }) => {
      await ack();
      await respond({ replace_original: true, text: `Cancelled ${(body as { actions: Array<{ value: string }> }).actions[0]!.value}` });
    });
    app.view('visit.log', async ({ ack, view }) => {
      await ack({ response_action: 'errors', errors: { notes: `Got ${view.state.values.notes?.notes?.value ?? 'nothing'}` } });
    });
    app.options('customer', async ({ ack, options }) => {
      await ack({ options: [{ text: { type: 'plain_text', text: `Match ${options.value}` }, value: 'c1' }] });
    });
    app.event('app_home_opened', async ({ context }) => {
      seen.retryNums.push(context.retryNum);
    });
    await app.init();
    server = await new Promise<Server>((resolve) => {
      const s = http.listen(0, '127.0.0.1', () => resolve(s));
    });
    driver = createSlackDriver({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, signingSecret, teamId: 'T0UNIT', fake });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  test('a signed command is acked (200) with the reply; stale and tampered requests get 401', async () => {
    const ok = await driver.command('UREP1', '/visit', 'ACME met the CFO');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ text: 'Logged: ACME met the CFO' });
    expect(ok.ms).toBeGreaterThanOrEqual(0);
    const old = await driver.command('UREP1', '/visit', 'ACME replay', { timestampOffsetSec: -360 });
    const tampered = await driver.command('UREP1', '/visit', 'ACME tampered', { tamper: true });
    const wrongSecret = await driver.command('UREP1', '/visit', 'ACME forged', { signingSecret: 'guess' });
    expect([old.status, tampered.status, wrongSecret.status]).toEqual([401, 401, 401]);
    expect(seen.commands).toEqual(['ACME met the CFO']);
    // A byte-exact replay within the window is what the timestamp check alone cannot stop.
    const replay = await driver.raw(ok.request.body, ok.request.headers);
    expect(replay.status).toBe(200);
    expect(signSlackRequest(signingSecret, 'a=b', 1700000000)['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(fake.violations()).toEqual([]);
  });

  test('block action → respond() lands on the fake response_url; modal, submission and options round-trip', async () => {
    expect((await driver.blockAction('UREP1', { action_id: 'visit.cancel', value: 'v1' })).status).toBe(200);
    const response = await fake.waitFor('response', undefined, 2000);
    expect(response.body).toMatchObject({ replace_original: true, text: 'Cancelled v1' });

    expect((await driver.command('UREP1', '/visit', '')).status).toBe(200);
    const opened = await fake.waitFor('views.open', undefined, 2000);
    expect(opened.ok).toBe(true);
    expect(opened.args.view.callback_id).toBe('visit.log');

    const submitted = await driver.viewSubmission('UREP1', { callback_id: 'visit.log', state: { values: { notes: { notes: { type: 'plain_text_input', value: '电话' } } } } });
    expect(submitted).toMatchObject({ status: 200, body: { response_action: 'errors', errors: { notes: 'Got 电话' } } });
    const options = await driver.blockSuggestion('UREP1', { action_id: 'customer', block_id: 'customer', value: 'acme' });
    expect(options.body.options[0].text.text).toBe('Match acme');
    expect(fake.violations()).toEqual([]);
  });

  test('events are signed JSON; retries carry X-Slack-Retry-Num', async () => {
    const first = await driver.event({ type: 'event_callback', event: { type: 'app_home_opened', user: 'UREP1', tab: 'home' } });
    const retry = await driver.event({ type: 'event_callback', event: { type: 'app_home_opened', user: 'UREP1', tab: 'home' } }, { retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.retryNums).toEqual([undefined, 1]);
  });
});
