import express, { type Express } from 'express';
import { DateTime } from 'luxon';
import { CardFactory, MemoryStorage, type TurnContext } from 'botbuilder';
import { Application, TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import type { Config } from '../../config';
import type { MikroORM } from '../../db/orm';
import type { JobDefinition } from '../../jobs/job-definition';
import type { JobQueues } from '../../jobs/queues';
import type { Logger } from '../../logger';
import { dialogOpenVerb, dialogSubmitVerb, renderAdaptiveCard, renderAdaptiveForm, renderDialogLauncher } from '../../cards/teams/adaptive-card';
import { handleAction } from '../commands/actions';
import type { CommandContext, CommandResult } from '../commands/command-context';
import { customerCommand } from '../commands/customer.command';
import { errorCard } from '../../cards/i18n/error-text';
import { handleFormSubmission } from '../commands/forms';
import { oppCommand } from '../commands/opp.command';
import { productCommand, quoteCommand } from '../commands/quote.command';
import type { ActionId, CardModel, FormModel } from '../../cards/reply-model';
import { reportCommand } from '../commands/report.command';
import { resolveCustomerQuery } from '../commands/resolve-customer';
import { sfaCommand } from '../commands/sfa.command';
import type { FormValues } from '../commands/visit.forms';
import { visitCommand } from '../commands/visit.command';
import { translator } from '../../cards/i18n/i18n';
import { teamsChannelId, teamsCommandContext } from './teams-identity';

export type TeamsBot = { stop: () => Promise<void> };

/** The verbs typed to the bot, with Chinese aliases; the same handlers as Slack's slash commands. */
const commands: Array<{ words: string[]; run: (ctx: CommandContext, text: string) => Promise<CommandResult> }> = [
  { words: ['visit', '拜访'], run: visitCommand },
  { words: ['customer', '客户'], run: customerCommand },
  { words: ['opp', 'opportunity', '商机'], run: oppCommand },
  { words: ['quote', '报价'], run: quoteCommand },
  { words: ['product', '产品'], run: productCommand },
  { words: ['report', '报表'], run: reportCommand },
  { words: ['sfa', 'help', '帮助', '?'], run: sfaCommand },
];

export function routeMessage(text: string): { run: (ctx: CommandContext, text: string) => Promise<CommandResult>; rest: string } {
  const trimmed = text.trim().replace(/^\//, '');
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const found = commands.find((c) => c.words.includes(first.toLowerCase()));
  if (!found) return { run: sfaCommand, rest: 'help' };
  return { run: found.run, rest: found.run === sfaCommand && first.toLowerCase() !== 'sfa' ? 'help' : rest.join(' ') };
}

const cardActivity = (card: ReturnType<typeof renderAdaptiveCard>) => ({ attachments: [CardFactory.adaptiveCard(card)] });

/**
 * The Teams bot at POST /api/messages (Teams AI on the Bot Framework adapter): typed commands
 * answer with Adaptive Cards; buttons and forms come back as Action.Execute invokes answered with
 * the next card. Without credentials it runs only in TEAMS_DEV_MODE (no token checks), which the
 * configuration refuses in production.
 */
export async function startTeamsBot(deps: { config: Config; orm: MikroORM; logger: Logger; http: Express; queues?: JobQueues }): Promise<TeamsBot | null> {
  const { config, orm, http, queues } = deps;
  const teams = config.teams;
  if (!teams.appId && !teams.devMode) return null;
  const log = deps.logger.child({ component: 'teams' });
  const adapter = new TeamsAdapter(
    teams.appId
      ? { MicrosoftAppId: teams.appId, MicrosoftAppPassword: teams.appPassword, MicrosoftAppTenantId: teams.appTenantId, MicrosoftAppType: teams.appType }
      : {},
  );
  adapter.onTurnError = async (context, err) => {
    log.error({ err }, 'teams turn failed');
    await context.sendActivity(translator(context.activity.locale ?? 'en')('errors.internal')).catch(() => undefined);
  };
  const app = new Application<TurnState>({ adapter, storage: new MemoryStorage(), removeRecipientMention: true, startTypingTimer: false, longRunningMessages: false });
  const enqueue = queues ? <D extends object>(job: JobDefinition<D>, data: D) => queues.addSoon(job, data) : undefined;

  const contextOf = async (turn: TurnContext): Promise<CommandContext | null> => {
    const ctx = await teamsCommandContext(orm, turn.activity);
    return ctx && { ...ctx, enqueue };
  };
  const safely = async (ctx: CommandContext, work: () => Promise<CommandResult>): Promise<CommandResult> => {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof Error && err.name === 'DomainError')) log.error({ err }, 'teams handler failed');
      return { type: 'card', card: errorCard(err, ctx.t) };
    }
  };
  // A form opens as a dialog: the chat gets a card whose button opens it.
  const render = (result: CommandResult, t = translator('en')) => (result.type === 'card' ? renderAdaptiveCard(result.card) : renderDialogLauncher(result.form, t('common.open')));

  app.message(/[\s\S]*/, async (turn) => {
    const ctx = await contextOf(turn);
    if (!ctx) return;
    const { run, rest } = routeMessage(turn.activity.text ?? '');
    await turn.sendActivity(cardActivity(render(await safely(ctx, () => run(ctx, rest)), ctx.t)));
  });

  app.adaptiveCards.actionExecute(/[\s\S]*/, async (turn, _state, data: Record<string, unknown>) => {
    const ctx = await contextOf(turn);
    if (!ctx) return renderAdaptiveCard(errorCard(new Error('unknown user'), translator('en')));
    const verb = String((turn.activity.value as { action?: { verb?: string } })?.action?.verb ?? '');
    if (verb.startsWith('form:')) return submitForm(ctx, verb.slice('form:'.length) as FormModel['formId'], data);
    return render(await safely(ctx, () => handleAction(ctx, verb as ActionId, String(data.value ?? ''))), ctx.t);
  });

  app.taskModules.fetch(dialogOpenVerb, async (_turn, _state, data: { form?: FormModel }) => {
    if (!data.form) return 'This form is no longer available.';
    return { title: data.form.title, width: 'medium', height: 'large', card: CardFactory.adaptiveCard(renderAdaptiveForm(data.form, { inDialog: true })) };
  });

  app.taskModules.submit(dialogSubmitVerb, async (turn, _state, data: Record<string, unknown>) => {
    const ctx = await contextOf(turn);
    if (!ctx) return null;
    const outcome = await readAndSubmit(ctx, String(data.formId) as FormModel['formId'], data);
    const form = data.form as FormModel | undefined;
    if (outcome.type === 'errors' && form) {
      // Stay open, saying what to fix.
      return { title: form.title, card: CardFactory.adaptiveCard(renderAdaptiveForm(form, { inDialog: true, problem: Object.values(outcome.errors).join('\n') })) };
    }
    if (outcome.type === 'errors') return Object.values(outcome.errors).join('\n');
    if (outcome.card) await turn.sendActivity(cardActivity(renderAdaptiveCard(outcome.card)));
    return null;
  });

  app.conversationUpdate('membersAdded', async (turn) => {
    const botId = turn.activity.recipient?.id;
    if (!(turn.activity.membersAdded ?? []).some((m) => m.id === botId)) return;
    const ctx = await contextOf(turn);
    if (ctx) await turn.sendActivity(cardActivity(renderAdaptiveCard({ kind: 'card', text: ctx.t('help.sfa').replace(/`\//g, '`') })));
  });

  // Uninstalled (or the bot removed from the chat): stop sending there until they talk to it again.
  const forget = async (turn: TurnContext) => {
    if (turn.activity.conversation?.id) {
      const db = orm.em.fork().getConnection();
      await db.execute(`update teams_conversations set active = false, updated_at = now() where conversation_id = ?`, [turn.activity.conversation.id]);
      await db.execute(`update teams_channels set active = false, updated_at = now() where conversation_id = ?`, [teamsChannelId(turn.activity.conversation.id)]);
      log.info({ conversation: turn.activity.conversation.id }, 'Teams app removed from a conversation');
    }
  };
  app.activity('installationUpdate', async (turn) => {
    if ((turn.activity as { action?: string }).action?.startsWith('remove')) await forget(turn);
  });
  app.conversationUpdate('membersRemoved', async (turn) => {
    if ((turn.activity.membersRemoved ?? []).some((m) => m.id === turn.activity.recipient?.id)) await forget(turn);
  });

  http.post('/api/messages', express.json({ limit: '1mb' }), (req, res, next) => {
    adapter.process(req, res, (turn) => app.run(turn).then(() => undefined)).catch(next);
  });
  log.info({ devMode: !teams.appId }, teams.appId ? 'Teams bot enabled' : 'Teams bot enabled in DEV MODE: Bot Framework tokens are not checked');
  return { stop: async () => {} };
}

type Submitted = { type: 'errors'; errors: Record<string, string> } | { type: 'done'; card?: CardModel };

/** A form's values by field type (from `fields`, "id:type,…"); a customer typed by name is looked up. */
async function readAndSubmit(ctx: CommandContext, formId: FormModel['formId'], data: Record<string, unknown>): Promise<Submitted> {
  const fields = String(data.fields ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const [id, type] = pair.split(':');
      return { id: id!, type: type! };
    });
  const form: FormModel = { kind: 'form', formId, title: '', submit: '', close: '', fields: fields.map((f) => ({ id: f.id, type: 'text', label: f.id })), metadata: (data.metadata as Record<string, string>) ?? {} };
  const values: FormValues = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const raw = typeof data[field.id] === 'string' ? (data[field.id] as string).trim() : '';
    if (field.type === 'datetime') {
      const time = typeof data[`${field.id}.time`] === 'string' ? (data[`${field.id}.time`] as string) : '';
      const at = raw && time ? DateTime.fromISO(`${raw}T${time}`, { zone: ctx.user.timezone }) : null;
      values[field.id] = at?.isValid ? at.toJSDate() : null;
    } else if (field.type === 'customer' && raw) {
      const match = await resolveCustomerQuery(ctx, raw);
      if (match.kind === 'one') values[field.id] = match.customer.id;
      else errors[field.id] = match.kind === 'many' ? ctx.t('customer.pick', { query: raw }) : ctx.t('customer.notFound', { query: raw });
    } else {
      values[field.id] = raw || null;
    }
  }
  if (Object.keys(errors).length) return { type: 'errors', errors };
  return handleFormSubmission(ctx, form, values).catch((err) => ({ type: 'done' as const, card: errorCard(err, ctx.t) }));
}

/** A form card submitted in the chat (Action.Execute): the answer replaces it. */
async function submitForm(ctx: CommandContext, formId: FormModel['formId'], data: Record<string, unknown>) {
  const result = await readAndSubmit(ctx, formId, data);
  if (result.type === 'errors') return renderAdaptiveCard({ kind: 'card', tone: 'warn', text: Object.values(result.errors).join('\n') });
  return renderAdaptiveCard(result.card ?? { kind: 'card', tone: 'ok', text: ctx.t('common.saved') });
}
