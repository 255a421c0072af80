import type { Button, CardModel, Field, Section } from '../reply-model';
import { slackActionId } from './action-ids';
import { SLACK_LIMITS as L } from './limits';
import { ELLIPSIS, chunkMrkdwn, escapeMrkdwn, oneLine, plainText, truncateMrkdwn, truncatePlain } from './text';

/* Caps per part, so the parts that are never dropped (everything except sections) stay well
 * under the 50-block budget whatever the input: 1 header + 5 text + 3 fields + 2 buttons + 2 pager
 * + 1 context = 14. Sections then take what is left, in order. */
const MAX_TEXT_BLOCKS = 5;
const MAX_FIELD_BLOCKS = 3;
const MAX_CARD_BUTTON_BLOCKS = 2;
const MAX_SECTION_TEXT_BLOCKS = 4;
const MAX_TITLE = 150;
const MAX_FIELD_LABEL = 150;
/** Notification / screen-reader fallback; long enough for a summary, short enough for a push. */
export const FALLBACK_TEXT_MAX = 3000;

const TONE_EMOJI: Record<NonNullable<CardModel['tone']>, string | undefined> = {
  ok: ':white_check_mark:',
  info: undefined,
  warn: ':warning:',
  error: ':x:',
};

export type SlackMessage = { text: string; blocks: any[] };

export type BuiltBlocks = {
  blocks: any[];
  /** The next free button index (to keep action_ids unique when cards are concatenated). */
  nextIndex: number;
  /** Something was left out and a "…" context line says so. */
  truncated: boolean;
};

type Counter = { next: number };

export function renderButton(button: Button, index: number): any {
  if (button.value.length > L.buttonValue) {
    throw new Error(
      `Button "${button.action}" value is ${button.value.length} chars (Slack max ${L.buttonValue}): pass ids, not records`,
    );
  }
  const actionId = slackActionId(button.action, index);
  if (actionId.length > L.actionId) throw new Error(`action_id too long: ${actionId.slice(0, 40)}…`);
  const element: any = {
    type: 'button',
    action_id: actionId,
    text: plainText(oneLine(button.label), L.buttonText),
  };
  if (button.value !== '') element.value = button.value;
  if (button.style) element.style = button.style;
  if (button.confirm) {
    element.confirm = {
      title: plainText(oneLine(button.confirm.title), L.confirmTitle),
      text: plainText(button.confirm.text, L.confirmText),
      confirm: plainText(oneLine(button.confirm.ok), L.confirmButton),
      deny: plainText(oneLine(button.confirm.cancel), L.confirmButton),
      ...(button.style === 'danger' ? { style: 'danger' } : {}),
    };
  }
  return element;
}

function actionsBlocks(buttons: Button[], counter: Counter): any[] {
  const blocks: any[] = [];
  for (let i = 0; i < buttons.length; i += L.actionsElements) {
    blocks.push({
      type: 'actions',
      elements: buttons.slice(i, i + L.actionsElements).map((b) => renderButton(b, counter.next++)),
    });
  }
  return blocks;
}

function mrkdwnSections(escaped: string, maxBlocks: number): any[] {
  let chunks = chunkMrkdwn(escaped, L.sectionText);
  if (chunks.length > maxBlocks) {
    chunks = chunks.slice(0, maxBlocks);
    const last = chunks[maxBlocks - 1]!;
    chunks[maxBlocks - 1] = last.length < L.sectionText ? last + ELLIPSIS : truncateMrkdwn(last + ELLIPSIS, L.sectionText);
  }
  return chunks.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

function fieldText(field: Field): string {
  const label = escapeMrkdwn(truncatePlain(oneLine(field.label), MAX_FIELD_LABEL));
  const value = field.value.trim() === '' ? '—' : escapeMrkdwn(field.value);
  return truncateMrkdwn(label ? `*${label}*\n${value}` : value, L.fieldText);
}

function fieldBlocks(fields: Field[]): any[] {
  const max = MAX_FIELD_BLOCKS * L.sectionFields;
  const shown: Field[] =
    fields.length > max ? [...fields.slice(0, max - 1), { label: ELLIPSIS, value: `+${fields.length - (max - 1)}` }] : fields;
  const blocks: any[] = [];
  for (let i = 0; i < shown.length; i += L.sectionFields) {
    blocks.push({
      type: 'section',
      fields: shown.slice(i, i + L.sectionFields).map((f) => ({ type: 'mrkdwn', text: fieldText(f) })),
    });
  }
  return blocks;
}

function sectionBlocks(section: Section, counter: Counter): any[] {
  const title = oneLine(section.title);
  const parts = title ? [`*${escapeMrkdwn(truncatePlain(title, MAX_TITLE))}*`] : [];
  for (const line of section.lines) parts.push(escapeMrkdwn(line));
  return [...mrkdwnSections(parts.join('\n'), MAX_SECTION_TEXT_BLOCKS), ...actionsBlocks(section.buttons ?? [], counter)];
}

function contextBlock(lines: string[]): any | undefined {
  const items = lines.filter((l) => l.trim() !== '').map(escapeMrkdwn);
  if (items.length === 0) return undefined;
  const max = L.contextElements;
  const merged = items.length > max ? [...items.slice(0, max - 1), items.slice(max - 1).join(' · ')] : items;
  return { type: 'context', elements: merged.map((text) => ({ type: 'mrkdwn', text: truncateMrkdwn(text, L.contextText) })) };
}

const ellipsisLine = (): any => ({ type: 'context', elements: [{ type: 'mrkdwn', text: ELLIPSIS }] });

/**
 * The layout behind renderCardBlocks, with a block budget and a first button index so the Home
 * tab can stack several cards. Sections are dropped from the end (never half a section) when the
 * budget is exceeded, and a "…" context line shows that something is missing.
 */
export function buildCardBlocks(
  card: CardModel,
  opts: { maxBlocks?: number; firstIndex?: number } = {},
): BuiltBlocks {
  const maxBlocks = Math.max(1, opts.maxBlocks ?? L.messageBlocks);
  const counter: Counter = { next: opts.firstIndex ?? 0 };
  const emoji = card.tone ? TONE_EMOJI[card.tone] : undefined;

  const head: any[] = [];
  const header = oneLine(card.header);
  if (header) head.push({ type: 'header', text: plainText(emoji ? `${emoji} ${header}` : header, L.headerText) });
  if (card.text && card.text.trim() !== '') {
    const prefix = emoji && !header ? `${emoji} ` : '';
    head.push(...mrkdwnSections(prefix + escapeMrkdwn(card.text), MAX_TEXT_BLOCKS));
  }
  head.push(...fieldBlocks(card.fields ?? []));

  const groups = (card.sections ?? []).map((s) => sectionBlocks(s, counter)).filter((g) => g.length > 0);

  const tail: any[] = [];
  const cardButtons = card.buttons ?? [];
  const maxCardButtons = MAX_CARD_BUTTON_BLOCKS * L.actionsElements;
  let needMarker = cardButtons.length > maxCardButtons;
  tail.push(...actionsBlocks(cardButtons.slice(0, maxCardButtons), counter));
  if (card.pager) {
    const label = card.pager.label.trim();
    if (label) tail.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncateMrkdwn(escapeMrkdwn(label), L.contextText) }] });
    const moves = [card.pager.previous, card.pager.next].filter((b): b is Button => b !== undefined);
    tail.push(...actionsBlocks(moves, counter));
  }
  const context = contextBlock(card.context ?? []);
  if (context) tail.push(context);

  const sectionCount = groups.reduce((n, g) => n + g.length, 0);
  const fixed = head.length + tail.length;
  let blocks: any[];
  if (fixed + sectionCount + (needMarker ? 1 : 0) <= maxBlocks) {
    blocks = [...head, ...groups.flat(), ...(needMarker ? [ellipsisLine()] : []), ...tail];
  } else if (fixed + 1 <= maxBlocks) {
    needMarker = true;
    const room = maxBlocks - fixed - 1;
    const kept: any[] = [];
    for (const g of groups) {
      if (kept.length + g.length > room) break;
      kept.push(...g);
    }
    blocks = [...head, ...kept, ellipsisLine(), ...tail];
  } else {
    // Only reachable with a small budget (a crowded Home tab): keep what fits, in reading order.
    needMarker = true;
    blocks = [...[...head, ...groups.flat(), ...tail].slice(0, maxBlocks - 1), ellipsisLine()];
  }
  return { blocks, nextIndex: counter.next, truncated: needMarker };
}

function fallbackText(card: CardModel): string {
  const emoji = card.tone ? TONE_EMOJI[card.tone] : undefined;
  const firstSection = (card.sections ?? []).find((s) => oneLine(s.title) || s.lines.some((l) => l.trim()));
  const firstField = (card.fields ?? [])[0];
  const parts =
    oneLine(card.header) || card.text?.trim()
      ? [oneLine(card.header), card.text?.trim() ?? '']
      : firstSection
        ? [oneLine(firstSection.title), firstSection.lines.find((l) => l.trim()) ?? '']
        : firstField
          ? [`${oneLine(firstField.label)}: ${firstField.value}`]
          : [card.pager?.label ?? '', (card.context ?? [])[0] ?? ''];
  const body = parts.filter((p) => p.trim() !== '').join('\n');
  const text = truncateMrkdwn(escapeMrkdwn(emoji && body ? `${emoji} ${body}` : body), FALLBACK_TEXT_MAX);
  return text.trim() === '' ? ELLIPSIS : text;
}

/**
 * A CardModel as a Slack message: `text` is the escaped fallback used in notifications, `blocks`
 * stay within Slack's limits (≤ 50 blocks, section/field/header/button sizes) for any input.
 * Throws only on programming errors (a button value over 2000 chars).
 */
export function renderCardBlocks(card: CardModel): SlackMessage {
  return { text: fallbackText(card), blocks: buildCardBlocks(card).blocks };
}
