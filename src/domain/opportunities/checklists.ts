import { createHash } from 'node:crypto';

/**
 * Exit checklists: what leaving each open stage takes. A tenant without its own list for a stage
 * gets the defaults, which are words in the reader's language (i18n keys); an admin's own items
 * are text as typed. Ticks are kept per stage on the deal with the list they were made against,
 * so editing a stage's list starts its ticks afresh instead of moving them onto other items.
 */

// The entity imports these types: no import back from it (stages are listed here as the entity lists them).
export type OpenStage = 'initial_contact' | 'solution' | 'quote' | 'negotiation';
type Stage = OpenStage | 'won' | 'lost';
const openStages: readonly OpenStage[] = ['initial_contact', 'solution', 'quote', 'negotiation'];
/** A default item is an i18n key (`opp.exitItems.<stage>.<n>`); an admin's item is its text. */
export type ChecklistItem = { key: string } | { text: string };
/** Per open stage, the admin's items; a stage not here uses the defaults. */
export type StageChecklists = Partial<Record<OpenStage, string[]>>;
/** Per stage: which list the ticks belong to (its fingerprint) and the indexes ticked. */
export type ChecklistTicks = Partial<Record<Stage, { list: string; done: number[] }>>;

export const maxChecklistItems = 10;
export const maxChecklistItemLength = 120;

export const defaultChecklistSize: Record<OpenStage, number> = { initial_contact: 3, solution: 3, quote: 3, negotiation: 3 };

export const isOpenStage = (stage: string): stage is OpenStage => (openStages as readonly string[]).includes(stage);

export type StageChecklist = { stage: OpenStage; items: ChecklistItem[]; list: string; custom: boolean };

export function checklistFor(stored: StageChecklists | null | undefined, stage: Stage): StageChecklist | null {
  if (!isOpenStage(stage)) return null;
  const custom = stored?.[stage];
  if (Array.isArray(custom) && custom.length > 0) {
    const items = custom.slice(0, maxChecklistItems).map((text) => ({ text: String(text).slice(0, maxChecklistItemLength) }));
    const list = createHash('sha256').update(JSON.stringify(items.map((i) => i.text))).digest('hex').slice(0, 12);
    return { stage, items, list, custom: true };
  }
  const items = Array.from({ length: defaultChecklistSize[stage] }, (_, i) => ({ key: `opp.exitItems.${stage}.${i + 1}` }));
  return { stage, items, list: 'default', custom: false };
}

export function tickedIndexes(ticks: ChecklistTicks | null | undefined, checklist: StageChecklist): Set<number> {
  const entry = ticks?.[checklist.stage];
  if (!entry || entry.list !== checklist.list || !Array.isArray(entry.done)) return new Set();
  return new Set(entry.done.filter((i) => Number.isInteger(i) && i >= 0 && i < checklist.items.length));
}

/** Ticks an unticked item or unticks a ticked one; other stages' ticks are kept. */
export function toggleTick(ticks: ChecklistTicks | null | undefined, checklist: StageChecklist, index: number): ChecklistTicks {
  const done = tickedIndexes(ticks, checklist);
  if (done.has(index)) done.delete(index);
  else done.add(index);
  return { ...(ticks ?? {}), [checklist.stage]: { list: checklist.list, done: [...done].sort((a, b) => a - b) } };
}

/** The items not ticked, with their indexes: what moving on skips. */
export function uncheckedItems(ticks: ChecklistTicks | null | undefined, checklist: StageChecklist | null): Array<{ index: number } & ChecklistItem> {
  if (!checklist) return [];
  const done = tickedIndexes(ticks, checklist);
  return checklist.items.flatMap((item, index) => (done.has(index) ? [] : [{ index, ...item }]));
}

/** A stage's list as an admin types it: `item one; item two` (also `；`), empty parts dropped. */
export function splitChecklistText(text: string): string[] {
  return text
    .split(/[;；\n]/)
    .map((s) => s.trim().replace(/\s+/g, ' '))
    .filter((s) => s !== '');
}
