import type { CardModel } from '../../cards/reply-model';
import { checklistItemText } from '../../cards/presenters/deal-guide';
import { maxChecklistItemLength, maxChecklistItems, splitChecklistText, type OpenStage } from '../../domain/opportunities/checklists';
import { listStageChecklists, setStageChecklist } from '../../domain/opportunities/set-stage-checklist';
import type { CommandContext } from '../pipeline/context';
import { is, keywords, type Token } from '../shared/grammar';
import { defineAdminModule } from './admin-module';

type Problem = { key: 'unknown_stage'; word: string } | { key: 'empty' } | { key: 'too_many'; count: number } | { key: 'too_long'; item: string };

export type ChecklistAdminCommand =
  | { kind: 'show' }
  | { kind: 'set'; stage: OpenStage; items: string[] }
  | { kind: 'reset'; stage: OpenStage }
  | { kind: 'usage'; problem?: Problem };

const resetWords = ['reset', 'default', 'defaults', '重置', '恢复默认'];

/** Open stages as admins type them, English and Chinese. */
export const stageAliases: Record<string, OpenStage> = {
  initial_contact: 'initial_contact', 'initial-contact': 'initial_contact', initial: 'initial_contact', contact: 'initial_contact', 'initial contact': 'initial_contact', 初步接触: 'initial_contact', 初次接触: 'initial_contact',
  solution: 'solution', 方案: 'solution',
  quote: 'quote', 报价: 'quote',
  negotiation: 'negotiation', negotiate: 'negotiation', 谈判: 'negotiation',
};

/** The grammar, pure: `checklist` | `checklist <stage> item one; item two` | `checklist <stage> reset`. */
export function parseChecklistAdmin(args: Token[], argText: (from: Token[]) => string): ChecklistAdminCommand {
  const [first, ...rest] = args;
  if (!first) return { kind: 'show' };
  if (is(first, keywords.help)) return { kind: 'usage' };
  const stage = stageAliases[first.text.toLowerCase()];
  if (!stage) return { kind: 'usage', problem: { key: 'unknown_stage', word: first.text.slice(0, 40) } };
  if (rest.length === 0) return { kind: 'usage', problem: { key: 'empty' } };
  if (rest.length === 1 && is(rest[0], resetWords)) return { kind: 'reset', stage };
  // As typed: quotes the tokenizer took off a single quoted item are kept off; `;` separates items.
  const items = splitChecklistText(argText(rest));
  if (items.length === 0) return { kind: 'usage', problem: { key: 'empty' } };
  if (items.length > maxChecklistItems) return { kind: 'usage', problem: { key: 'too_many', count: items.length } };
  const long = items.find((i) => i.length > maxChecklistItemLength);
  if (long) return { kind: 'usage', problem: { key: 'too_long', item: `${long.slice(0, 40)}…` } };
  return { kind: 'set', stage, items };
}

async function checklistsCard(ctx: CommandContext, text?: string): Promise<CardModel> {
  const { t } = ctx;
  const lists = await listStageChecklists(ctx.em, ctx.actor);
  return {
    kind: 'card',
    ...(text ? { tone: 'ok' as const, text } : {}),
    header: t('scoring.checklistHeader'),
    sections: lists.map((l) => ({
      lines: [t('scoring.checklistStage', { stage: t(`opp.stages.${l.stage}`), mark: t(l.custom ? 'scoring.custom' : 'scoring.default') }), ...l.items.map((item, i) => `${i + 1}. ${checklistItemText(item, t)}`)],
    })),
    // The two "how to change" lines of the usage, without their list bullets.
    context: [t('scoring.checklistUsage').split('\n').slice(2, 4).map((l) => l.replace(/^•\s*/, '')).join(' · ')],
  };
}

/**
 * `/sfa admin checklist …` (`清单`): every open stage's exit checklist; an admin's own items for a
 * stage (text as typed, `;`-separated, at most 10 of 120 characters) or back to the defaults.
 */
export const checklistAdmin = defineAdminModule<ChecklistAdminCommand>({
  verbs: ['checklist', 'checklists', '清单'],
  parse: (args, argText) => parseChecklistAdmin(args, argText),
  writes: (parsed) => (parsed.kind === 'set' || parsed.kind === 'reset' ? 'inline' : false),
  async run(ctx, parsed) {
    const { t } = ctx;
    if (parsed.kind === 'usage') {
      const p = parsed.problem;
      const problem = p ? t(`scoring.checklistProblems.${p.key}`, { ...p, max: p.key === 'too_long' ? maxChecklistItemLength : maxChecklistItems }) : null;
      return { kind: 'card', tone: p ? 'warn' : undefined, text: problem ? `${problem}\n${t('scoring.checklistUsage')}` : t('scoring.checklistUsage') };
    }
    if (parsed.kind === 'show') return checklistsCard(ctx);
    if (parsed.kind === 'reset') {
      await setStageChecklist(ctx.em, ctx.actor, parsed.stage, null);
      return checklistsCard(ctx, t('scoring.checklistReset', { stage: t(`opp.stages.${parsed.stage}`) }));
    }
    const saved = await setStageChecklist(ctx.em, ctx.actor, parsed.stage, parsed.items);
    return checklistsCard(ctx, t('scoring.checklistSaved', { stage: t(`opp.stages.${parsed.stage}`), count: saved.items.length }));
  },
});
