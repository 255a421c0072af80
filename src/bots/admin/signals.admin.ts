import { ruleText, signalRulesCard, signalsHelpCard, unmatchedSignalsCard } from '../../cards/presenters/signal-card';
import { clip } from '../../cards/presenters/format';
import { listSignalRules } from '../../domain/signals/list-signal-rules';
import { listUnmatchedSignals } from '../../domain/signals/list-unmatched-signals';
import { removeSignalRule } from '../../domain/signals/remove-signal-rule';
import { saveSignalRule } from '../../domain/signals/save-signal-rule';
import { defineAdminModule } from './admin-module';
import { parseSignalsAdmin, signalsExamples, type SignalsAdminCommand } from './signals.grammar';

/** The grammar's example in the reader's language (a Chinese rule name and `信号` for a Chinese reader). */
const exampleKey = (example: string) => (Object.keys(signalsExamples) as Array<keyof typeof signalsExamples>).find((k) => signalsExamples[k] === example);

/**
 * `/sfa admin signals [add … | remove … | unmatched | help]`: the rules that turn behaviour
 * signals into deals and nudges, and the signals no customer could be found for.
 */
export const signalsAdmin = defineAdminModule<SignalsAdminCommand>({
  verbs: ['signals', 'signal', '信号'],
  parse: parseSignalsAdmin,
  writes: (parsed) => (parsed.kind === 'add' || parsed.kind === 'remove' ? 'inline' : false),
  async run(ctx, parsed) {
    const { t } = ctx;
    switch (parsed.kind) {
      case 'list':
        return signalRulesCard(await listSignalRules(ctx.em, ctx.actor, ctx.now), ctx);
      case 'help':
        return signalsHelpCard(ctx);
      case 'invalid':
        return signalsHelpCard(ctx, t(`signals.invalid.${parsed.reason}`, { word: parsed.word ?? '', example: exampleKey(parsed.example) ? t(`signals.examples.${exampleKey(parsed.example)}`) : parsed.example }));
      case 'unmatched':
        return unmatchedSignalsCard(await listUnmatchedSignals(ctx.em, ctx.actor, { now: ctx.now }), ctx);
      case 'remove': {
        const removed = await removeSignalRule(ctx.em, ctx.actor, parsed.name);
        return removed
          ? { kind: 'card', tone: 'ok', text: t('signals.removed', { name: clip(removed.name, 100) }) }
          : { kind: 'card', tone: 'warn', text: t('signals.unknownRule', { name: clip(parsed.name, 100) }) };
      }
      case 'add': {
        const { rule, change } = await saveSignalRule(ctx.em, ctx.actor, parsed.rule);
        const text = t(`signals.saved_${change}`, { name: clip(rule.name, 100), rule: ruleText(rule, t), bump: rule.scoreBump });
        return { kind: 'card', tone: change === 'unchanged' ? 'info' : 'ok', text: rule.active ? text : `${text}\n${t('signals.savedInactive')}` };
      }
    }
  },
});
