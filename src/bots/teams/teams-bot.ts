import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { Application, TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { translator } from '../../cards/i18n/i18n';
import type { Config } from '../../config';
import type { MikroORM } from '../../db/orm';
import type { CommandIntake, Release } from '../../jobs/command-intake';
import type { Logger } from '../../logger';
import type { ChatPipeline } from '../pipeline/pipeline';
import { activitySchema } from './teams-activity';
import { afterResponseKey, type TeamsDeps } from './teams-deps';
import { TeamsDirectory } from './teams-directory';
import { registerDialogs } from './teams-dialogs';
import { registerEvents } from './teams-events';
import { registerInvokes } from './teams-invokes';
import { registerMessages } from './teams-messages';

export type TeamsBot = { stop: () => Promise<void> };

export const teamsAdapter = (teams: Config['teams']) =>
  new TeamsAdapter(teams.appId ? { MicrosoftAppId: teams.appId, MicrosoftAppPassword: teams.appPassword, MicrosoftAppTenantId: teams.appTenantId, MicrosoftAppType: teams.appType } : {});

/**
 * The Teams bot at POST /api/messages (Teams AI on the Bot Framework adapter). Without
 * credentials it runs only in TEAMS_DEV_MODE (no token checks), which the configuration refuses
 * in production.
 */
export async function startTeamsBot(deps: { config: Config; orm: MikroORM; logger: Logger; http: Express; pipeline: ChatPipeline; intake?: CommandIntake }): Promise<TeamsBot | null> {
  const { config, orm, http } = deps;
  const teams = config.teams;
  if (!teams.appId && !teams.devMode) return null;
  const log = deps.logger.child({ component: 'teams' });
  const adapter = teamsAdapter(teams);
  adapter.onTurnError = async (context, err) => {
    log.error({ err }, 'teams turn failed');
    await context.sendActivity(translator(context.activity.locale ?? 'en')('errors.internal')).catch(() => undefined);
  };
  // No turn state is kept between requests: without storage Teams AI reads and writes none.
  const app = new Application<TurnState>({ adapter, removeRecipientMention: true, startTypingTimer: false, longRunningMessages: false });
  // Teams AI 1.7 starts a "typing" timer on every message whatever the option says; it would post to Teams after the answer.
  app.turn('beforeTurn', async () => {
    app.stopTypingTimer();
    return true;
  });
  const handlers: TeamsDeps = { pipeline: deps.pipeline, directory: new TeamsDirectory(orm), intake: deps.intake, logger: log };
  registerMessages(app, handlers);
  registerInvokes(app, handlers);
  registerDialogs(app, handlers);
  registerEvents(app, { ...handlers, orm });

  http.post('/api/messages', express.json({ limit: '1mb' }), validActivity, (req, res, next) => {
    const after: Release[] = [];
    const turn = { started: false };
    adapter
      .process(req, plainErrors(res, log, turn), (context) => {
        turn.started = true;
        context.turnState.set(afterResponseKey, after);
        return app.run(context).then(() => undefined);
      })
      .then(() => after.forEach((release) => release()), next);
  });
  log.info({ devMode: !teams.appId }, teams.appId ? 'Teams bot enabled' : 'Teams bot enabled in DEV MODE: Bot Framework tokens are not checked');
  return { stop: async () => {} };
}

/** A body that is not an activity is refused before the adapter sees it. */
function validActivity(req: Request, res: Response, next: NextFunction): void {
  if (!activitySchema.safeParse(req.body).success) {
    res.status(400).json({ ok: false, error: 'bad_request' });
    return;
  }
  next();
}

/**
 * The adapter answers a failed token check with the error's text (which can name the Bot
 * Framework's login endpoint or a DNS failure) and a failed turn with its stack: send a plain
 * word instead. Anything that failed before the turn started was the token check (its keys could
 * not be fetched, say): that is a 401 too.
 */
function plainErrors(res: Response, log: Logger, turn: { started: boolean }) {
  const wrapped = {
    status(code: number) {
      res.status(code);
      return wrapped;
    },
    header(name: string, value: string) {
      res.header(name, value);
      return wrapped;
    },
    send(body: unknown) {
      if (res.statusCode < 400) res.send(body);
      else {
        if (res.statusCode >= 500 && !turn.started) res.status(401);
        if (res.statusCode >= 500) log.error({ status: res.statusCode }, 'teams request failed');
        res.json({ ok: false, error: res.statusCode === 401 ? 'unauthorized' : res.statusCode < 500 ? 'bad_request' : 'internal_error' });
      }
      return wrapped;
    },
    end() {
      if (!res.headersSent) res.end();
      return wrapped;
    },
  };
  return wrapped as unknown as Response;
}
