import { ChatPipeline } from '../../../src/bots/pipeline/pipeline';
import { requestKey } from '../../../src/bots/pipeline/request-log';
import { createLogger } from '../../../src/logger';
import { makeTenant, makeUser } from '../../support/factories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db?.drop(); });

test('request keys are kept a week, then forgotten (no repeat can arrive that late)', async () => {
  const tenant = await makeTenant(db.em());
  const { user } = await makeUser(db.em(), tenant);
  const insert = (key: string, age: string) =>
    db.em().getConnection().execute(`insert into chat_requests (tenant_id, key, user_id, reply, created_at) values (?, ?, ?, '{"type":"done"}', now() - ?::interval)`, [tenant.id, key, user.id, age]);
  await insert('slack.cmd.old', '8 days');
  await insert('slack.cmd.recent', '6 days');
  await new ChatPipeline({ orm: db.orm, logger: createLogger('silent'), answerClaimStaleMs: 1000 }).forgetOld();
  const left = await db.em().getConnection().execute(`select key from chat_requests order by key`);
  expect(left).toEqual([{ key: 'slack.cmd.recent' }]);
});

test('keys come from the platform’s own ids; anything that could break a job id or run long is hashed', () => {
  expect(requestKey('slack', 'cmd', '13345224609.738474920.8088930838d88f008e0')).toBe('slack.cmd.13345224609.738474920.8088930838d88f008e0');
  const teams = requestKey('teams', 'msg', '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b', '1:1abc:xyz');
  expect(teams).not.toContain(':');
  expect(teams).toBe(requestKey('teams', 'msg', '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b', '1:1abc:xyz'));
  expect(teams).not.toBe(requestKey('teams', 'msg', '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b', '1:1abc:xyw'));
  expect(requestKey('teams', 'msg', 'u', 'x'.repeat(500)).length).toBeLessThanOrEqual(100);
});
