// The baseline: a Bolt app on express that only acks /visit. Same receiver, same signature check.
import express from 'express';
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';

const http = express();
const receiver = new ExpressReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET!, app: http, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
const app = new App({ receiver, token: 'xoxb-bare', botId: 'BBARE', botUserId: 'UBARE', tokenVerificationEnabled: false, logLevel: LogLevel.ERROR });
app.command('/visit', async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'ok' });
});
const server = http.listen(Number(process.env.PORT ?? 0), () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ msg: 'http server listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
