import type { CardModel } from '../../cards/reply-model';
import { getScoringSettings } from '../../domain/opportunities/get-scoring-settings';
import type { ScoreFactor } from '../../domain/opportunities/score-opportunity';
import { scoreFactors } from '../../domain/opportunities/score-opportunity';
import type { CurvePoint, ScoringProblem, ScoringSettings } from '../../domain/opportunities/scoring';
import { previewScoringChange, setScoringSettings } from '../../domain/opportunities/set-scoring-settings';
import type { CommandContext } from '../pipeline/context';
import { is, keywords, type Token } from '../shared/grammar';
import { defineAdminModule } from './admin-module';

/** A problem with what was typed, said in the reader's language by `scoring.problems.<key>`. */
type Problem = { key: 'unknown_factor' | 'duplicate_factor' | 'bad_weight' | 'bad_point' | 'bad_bands'; word?: string };

export type ScoringAdminCommand =
  | { kind: 'show' }
  | { kind: 'weights'; weights: Partial<Record<ScoreFactor, number>> }
  | { kind: 'curve'; curve: CurvePoint[] }
  | { kind: 'bands'; high: number; medium: number }
  | { kind: 'reset' }
  | { kind: 'usage'; problem?: Problem };

const weightWords = ['weights', 'weight', '权重'];
const curveWords = ['curve', '曲线'];
const bandWords = ['bands', 'band', 'priority', '区间', '优先级'];
const resetWords = ['reset', 'default', 'defaults', '重置', '恢复默认'];

/** Factor names as admins type them, English and Chinese. */
export const factorAliases: Record<string, ScoreFactor> = {
  urgency: 'urgency', urgent: 'urgency', 紧迫度: 'urgency', 紧迫: 'urgency', 紧急度: 'urgency',
  budget: 'budget', 预算: 'budget',
  competition: 'competition', competitors: 'competition', 竞争: 'competition', 竞争情况: 'competition',
  decision: 'decisionMaker', decisionmaker: 'decisionMaker', 'decision-maker': 'decisionMaker', decision_maker: 'decisionMaker', dm: 'decisionMaker', 决策人: 'decisionMaker', 决策人接触: 'decisionMaker', 决策: 'decisionMaker',
  fit: 'fit', 匹配度: 'fit', 匹配: 'fit', 契合度: 'fit',
};

const pair = /^([^=:＝：→]+)(?:=|:|＝|：|→|->)(\d{1,3})%?$/;

/** The grammar, pure: `scoring` | `scoring weights urgency=30 …` | `scoring curve 0:5 50:35 …` | `scoring bands 70 40` | `scoring reset`. */
export function parseScoringAdmin(args: Token[]): ScoringAdminCommand {
  const [sub, ...rest] = args;
  if (!sub) return { kind: 'show' };
  if (is(sub, keywords.help)) return { kind: 'usage' };
  if (is(sub, resetWords) && rest.length === 0) return { kind: 'reset' };
  if (is(sub, weightWords)) {
    if (rest.length === 0) return { kind: 'usage', problem: { key: 'bad_weight', word: '' } };
    const weights: Partial<Record<ScoreFactor, number>> = {};
    for (const token of rest) {
      const m = pair.exec(token.text);
      if (!m) return { kind: 'usage', problem: { key: 'bad_weight', word: token.text.slice(0, 40) } };
      const factor = factorAliases[m[1]!.toLowerCase()];
      if (!factor) return { kind: 'usage', problem: { key: 'unknown_factor', word: m[1]!.slice(0, 40) } };
      if (weights[factor] !== undefined) return { kind: 'usage', problem: { key: 'duplicate_factor', word: m[1]!.slice(0, 40) } };
      weights[factor] = Number(m[2]);
    }
    return { kind: 'weights', weights };
  }
  if (is(sub, curveWords)) {
    if (rest.length === 0) return { kind: 'usage', problem: { key: 'bad_point', word: '' } };
    const curve: CurvePoint[] = [];
    for (const token of rest) {
      const m = /^(\d{1,3})(?::|：|=|→|->)(\d{1,3})%?$/.exec(token.text);
      if (!m) return { kind: 'usage', problem: { key: 'bad_point', word: token.text.slice(0, 40) } };
      curve.push([Number(m[1]), Number(m[2])]);
    }
    return { kind: 'curve', curve };
  }
  if (is(sub, bandWords)) {
    const [high, medium] = rest.map((t) => (/^\d{1,3}$/.test(t.text) ? Number(t.text) : NaN));
    if (rest.length !== 2 || !Number.isInteger(high) || !Number.isInteger(medium)) return { kind: 'usage', problem: { key: 'bad_bands' } };
    return { kind: 'bands', high: high!, medium: medium! };
  }
  return { kind: 'usage' };
}

/**
 * What is wrong, in the reader's language. A wrong total shows the whole set the change would give
 * ("Urgency 100 + Budget 25 + … = 170"): factors not named keep their current weights.
 */
function problemText(ctx: CommandContext, p: ScoringProblem, after: ScoringSettings, named: ScoreFactor[]): string {
  switch (p.kind) {
    case 'weight_range':
      return ctx.t('scoring.problems.weight_range', { factor: ctx.t(`scoring.factors.${p.factor}`) });
    case 'weights_sum': {
      const parts = scoreFactors.map((f) => `${ctx.t(`scoring.factors.${f}`)} ${after.weights[f]}`).join(' + ');
      const total = ctx.t('scoring.problems.weights_sum', { parts, sum: p.sum });
      return named.length < scoreFactors.length ? `${total} ${ctx.t('scoring.problems.weights_unnamed')}` : total;
    }
    default:
      return ctx.t(`scoring.problems.${p.kind}`);
  }
}

export function scoringSettingsCard(ctx: CommandContext, settings: ScoringSettings, custom: Record<'weights' | 'curve' | 'bands', boolean>, text?: string): CardModel {
  const { t } = ctx;
  const mark = (part: 'weights' | 'curve' | 'bands') => (custom[part] ? '' : ` ${t('scoring.default')}`);
  return {
    kind: 'card',
    ...(text ? { tone: 'ok' as const, text } : {}),
    header: t('scoring.header'),
    sections: [
      {
        lines: [
          t('scoring.weightsLine', { weights: scoreFactors.map((f) => `${t(`scoring.factors.${f}`)} ${settings.weights[f]}%`).join(' · ') }) + mark('weights'),
          t('scoring.curveLine', { curve: settings.curve.map(([s, p]) => `${s} → ${p}%`).join(' · ') }) + mark('curve'),
          t('scoring.bandsLine', { high: settings.bands.high, medium: settings.bands.medium }) + mark('bands'),
        ],
      },
    ],
    context: [t('scoring.formula')],
  };
}

/**
 * `/sfa admin scoring …` (`评分`): shows the weights, the win-probability curve and the priority
 * bands; changes them (every open deal is re-scored, which the worker does: `queued`) or resets
 * them, answering how many open deals were re-scored.
 */
export const scoringAdmin = defineAdminModule<ScoringAdminCommand>({
  verbs: ['scoring', 'score', '评分'],
  parse: (args) => parseScoringAdmin(args),
  writes: (parsed) => (parsed.kind === 'show' || parsed.kind === 'usage' ? false : 'queued'),
  async run(ctx, parsed) {
    const { t } = ctx;
    if (parsed.kind === 'usage') {
      const p = parsed.problem;
      const problem = p ? t(`scoring.problems.${p.key}`, { word: p.word ?? '' }) : null;
      return { kind: 'card', tone: p ? 'warn' : undefined, text: problem ? `${problem}\n${t('scoring.usage')}` : t('scoring.usage') };
    }
    if (parsed.kind === 'show') {
      const { settings, custom } = await getScoringSettings(ctx.em, ctx.actor);
      return scoringSettingsCard(ctx, settings, custom);
    }
    if (parsed.kind === 'reset') {
      const { settings, rescored, changed } = await setScoringSettings(ctx.em, ctx.actor, 'reset');
      return scoringSettingsCard(ctx, settings, { weights: false, curve: false, bands: false }, changed ? t('scoring.resetDone', { count: rescored }) : t('scoring.nothingChanged'));
    }
    const change = parsed.kind === 'weights' ? { weights: parsed.weights } : parsed.kind === 'curve' ? { curve: parsed.curve.map(([s, p]) => [s, p] as [number, number]) } : { bands: { high: parsed.high, medium: parsed.medium } };
    // Said in the reader's language before anything is written; the domain checks the same again.
    const current = await getScoringSettings(ctx.em, ctx.actor);
    const preview = previewScoringChange(current.settings, change);
    const named = Object.keys(change.weights ?? {}) as ScoreFactor[];
    if (preview.problems.length > 0) return { kind: 'card', tone: 'warn', text: preview.problems.map((p) => problemText(ctx, p, preview.settings, named)).join('\n') };
    const { settings, rescored, changed } = await setScoringSettings(ctx.em, ctx.actor, change);
    const after = await getScoringSettings(ctx.em, ctx.actor);
    return scoringSettingsCard(ctx, settings, after.custom, changed ? t('scoring.saved', { count: rescored }) : t('scoring.nothingChanged'));
  },
});
