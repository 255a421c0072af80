/**
 * Text helpers shared by the Slack renderers: mrkdwn escaping and cutting text to a length without
 * splitting an emoji / combined character or an `&amp;`-style entity we produced.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export const ELLIPSIS = '…';

/**
 * Escapes the three characters Slack's mrkdwn treats as control characters, so user text such as
 * `<!channel>` or `<@U123>` is shown literally instead of pinging anyone or becoming a link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Characters that are never part of a multi-unit grapheme (not Extend, ZWJ, SpacingMark, Prepend,
 * regional indicator, Hangul jamo or a control): between two of them there is always a boundary.
 * ASCII, CJK punctuation, kana and unified ideographs cover most of our text.
 */
const SIMPLE = /[\x20-\x7e\u3000-\u3029\u3041-\u3096\u30a1-\u30fa\u4e00-\u9fff\uff01-\uff5e]/;

/** A known grapheme boundary shortly before `max`, so only a short tail needs segmenting. */
function segmentStart(text: string, max: number): number {
  for (let i = max - 16; i > 0 && i > max - 512; i--) {
    if (SIMPLE.test(text[i - 1]!) && SIMPLE.test(text[i]!)) return i;
  }
  return 0;
}

/**
 * Largest index <= max where `text` may be cut: on a grapheme boundary and, for escaped mrkdwn,
 * not inside an entity.
 */
export function safeCutIndex(text: string, max: number, entities: boolean): number {
  if (text.length <= max) return text.length;
  const start = segmentStart(text, max);
  let cut = start;
  // The segmenter must see the whole cluster that straddles `max` (a flag is 4 units, a family
  // emoji 8+): with only one unit of look-ahead, half a flag reads as a complete grapheme.
  for (const { index, segment } of segmenter.segment(text.slice(start, max + 64))) {
    const end = start + index + segment.length;
    if (end > max) break;
    cut = end;
  }
  if (cut === 0) {
    // A single "grapheme" longer than max (pathological input): cut by code point instead.
    cut = max;
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  }
  if (entities) {
    const amp = text.lastIndexOf('&', cut - 1);
    if (amp >= 0 && amp >= cut - 4) {
      const semi = text.indexOf(';', amp);
      if (semi === -1 || semi >= cut) cut = amp;
    }
  }
  return cut > 0 ? cut : Math.min(max, text.length);
}

function truncateWith(text: string, max: number, entities: boolean): string {
  if (text.length <= max) return text;
  return text.slice(0, safeCutIndex(text, max - ELLIPSIS.length, entities)).trimEnd() + ELLIPSIS;
}

/** Truncates plain text to at most `max` UTF-16 units, ending in '…' when cut. */
export function truncatePlain(text: string, max: number): string {
  return truncateWith(text, max, false);
}

/** Truncates already-escaped mrkdwn to at most `max` units without breaking an entity. */
export function truncateMrkdwn(escaped: string, max: number): string {
  return truncateWith(escaped, max, true);
}

/**
 * Splits already-escaped mrkdwn into pieces of at most `max` units, preferring line breaks;
 * drops pieces that are only whitespace (Slack rejects empty text).
 */
export function chunkMrkdwn(escaped: string, max: number): string[] {
  const out: string[] = [];
  let rest = escaped;
  while (rest.length > max) {
    const nl = rest.lastIndexOf('\n', max);
    if (nl >= max / 2) {
      out.push(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
    } else {
      const cut = safeCutIndex(rest, max, true);
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
  }
  out.push(rest);
  return out.filter((piece) => piece.trim() !== '');
}

/** One line of plain text (headers, labels): newlines and runs of spaces become one space. */
export function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

export function plainText(text: string, max: number): { type: 'plain_text'; text: string; emoji: true } {
  const clean = truncatePlain(text, max);
  return { type: 'plain_text', text: clean.trim() === '' ? ELLIPSIS : clean, emoji: true };
}
