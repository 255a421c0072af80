// The baseline: a Teams AI app on express that only replies to each message. Same adapter, same parsing.
import express from 'express';
import { Application, TeamsAdapter, type TurnState } from '@microsoft/teams-ai';

const http = express();
const adapter = new TeamsAdapter({});
const app = new Application<TurnState>({ adapter, startTypingTimer: false, longRunningMessages: false });
app.message(/[\s\S]*/, async (turn) => {
  await turn.sendActivity('ok');
});
http.post('/api/messages', express.json({ limit: '1mb' }), (req, res, next) => {
  adapter.process(req, res, (turn) => app.run(turn).then(() => undefined)).catch(next);
});
const server = http.listen(Number(process.env.PORT ?? 0), () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ msg: 'http server listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
