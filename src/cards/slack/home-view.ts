import type { CardModel } from '../reply-model';
import { buildCardBlocks } from './card-blocks';
import { SLACK_LIMITS as L } from './limits';
import { ELLIPSIS } from './text';

/**
 * The Home tab: cards stacked with dividers, ≤ 100 blocks. Button indexes continue across cards
 * so every action_id in the view is unique. When the cards do not fit, the last one shown is cut
 * (or left out) and a "…" context line ends the view.
 */
export function renderHomeView(cards: CardModel[]): { type: 'home'; blocks: any[] } {
  const blocks: any[] = [];
  let nextIndex = 0;
  for (let i = 0; i < cards.length; i++) {
    const isLast = i === cards.length - 1;
    const divider = blocks.length > 0 ? 1 : 0;
    // Keep one block free (unless this is the last card) for the "…" line if later cards do not fit.
    const room = L.viewBlocks - blocks.length - divider - (isLast ? 0 : 1);
    if (room < 1) {
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: ELLIPSIS }] });
      break;
    }
    const built = buildCardBlocks(cards[i]!, { maxBlocks: room, firstIndex: nextIndex });
    if (built.blocks.length === 0) continue;
    if (divider) blocks.push({ type: 'divider' });
    blocks.push(...built.blocks);
    nextIndex = built.nextIndex;
    if (built.truncated) break;
  }
  return { type: 'home', blocks };
}
