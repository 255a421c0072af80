import { accuracyCard, factorsCard, factorText } from '../../cards/presenters/forecast-card';
import { addForecastFactor } from '../../domain/forecasting/add-forecast-factor';
import { forecastAccuracy } from '../../domain/forecasting/forecast-accuracy';
import { listForecastFactors } from '../../domain/forecasting/list-forecast-factors';
import { removeForecastFactor } from '../../domain/forecasting/remove-forecast-factor';
import { resolveAccess } from '../../domain/shared/access';
import { forecastPostJob } from '../../jobs/forecast-post.job';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';
import { allowed, widest } from '../reports/report.command';
import { parseForecastCommand, type ForecastCommand, type ForecastScope } from './forecast.grammar';

/** Adding or removing a market factor is a quick write; a forecast or an export is queued work posted when ready. */
export function forecastWrites(text: string): 'inline' | false {
  const kind = parseForecastCommand(text).kind;
  return kind === 'add_factor' || kind === 'remove_factor' ? 'inline' : false;
}

const invalidText = { unknown_word: 'forecast.unknownWord', bad_months: 'forecast.badMonths', bad_factor: 'forecast.badFactor' } as const;

/** `/forecast …` on either platform. */
export async function forecastCommand(ctx: CommandContext, text: string): Promise<CommandResult> {
  const { t } = ctx;
  const parsed = parseForecastCommand(text);
  switch (parsed.kind) {
    case 'help':
      return card({ kind: 'card', text: t('help.forecast') });
    case 'invalid':
      return card({ kind: 'card', tone: 'warn', text: `${t(invalidText[parsed.reason], { word: parsed.word })}\n${t('help.forecast')}` });
    case 'run':
    case 'export':
      return queueForecast(ctx, parsed);
    case 'accuracy': {
      const scope = await scopeFor(ctx, parsed.scope);
      if (typeof scope !== 'string') return scope;
      return card(accuracyCard(await forecastAccuracy(ctx.em, ctx.actor, { scope, now: ctx.now }), { t, locale: ctx.user.locale }, ctx.tenant.defaultCurrency));
    }
    case 'factors': {
      const access = await resolveAccess(ctx.em, ctx.actor);
      return card(factorsCard(await listForecastFactors(ctx.em, ctx.actor), { t, locale: ctx.user.locale }, access.role === 'admin'));
    }
    case 'add_factor': {
      const factor = await addForecastFactor(ctx.em, ctx.actor, { percent: parsed.percent, scope: parsed.scope, scopeValue: parsed.scopeValue, fromMonth: parsed.fromMonth, untilMonth: parsed.untilMonth, note: parsed.note });
      return card({ kind: 'card', tone: 'ok', text: t('forecast.factorAdded', { factor: factorText(factor, t) }) });
    }
    case 'remove_factor': {
      const factor = (await listForecastFactors(ctx.em, ctx.actor))[parsed.position - 1];
      if (!factor) return card({ kind: 'card', tone: 'warn', text: t('forecast.noSuchFactor', { position: parsed.position }) });
      const removed = await removeForecastFactor(ctx.em, ctx.actor, factor.id);
      return card({ kind: 'card', tone: 'ok', text: t('forecast.factorRemoved', { factor: factorText(removed, t) }) });
    }
  }
}

/** The scope asked for, or the widest the person's role allows; a card saying why when it is beyond them. */
async function scopeFor(ctx: CommandContext, asked: ForecastScope | undefined): Promise<ForecastScope | CommandResult> {
  const access = await resolveAccess(ctx.em, ctx.actor);
  const scope = asked ?? widest[access.role];
  if (allowed[access.role].includes(scope)) return scope;
  return card({ kind: 'card', tone: 'warn', text: ctx.t('report.scopeRefused', { scope: ctx.t(`report.scopes.${scope}`), allowed: allowed[access.role].map((s) => ctx.t(`report.scopes.${s}`)).join(' / ') }) });
}

async function queueForecast(ctx: CommandContext, parsed: Extract<ForecastCommand, { kind: 'run' | 'export' }>): Promise<CommandResult> {
  const scope = await scopeFor(ctx, parsed.scope);
  if (typeof scope !== 'string') return scope;
  if (!ctx.enqueue || !ctx.channel) return card({ kind: 'card', tone: 'error', text: ctx.t('report.unavailable') });
  await ctx.enqueue(forecastPostJob, {
    tenantId: ctx.tenant.id,
    requesterId: ctx.user.id,
    scope,
    by: parsed.by,
    months: parsed.months,
    export: parsed.kind === 'export',
    at: ctx.now.toISOString(),
    to: { channelId: ctx.channel.id },
    // The request's own key: the same request delivered twice posts once.
    key: `request.${ctx.requestKey}`,
    fallbackUserId: ctx.user.id,
  });
  return card({ kind: 'card', text: ctx.t(parsed.kind === 'export' ? 'forecast.exportQueued' : 'forecast.queued', { months: parsed.months, scope: ctx.t(`report.scopes.${scope}`) }) });
}
