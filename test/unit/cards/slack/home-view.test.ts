import { renderCardBlocks, renderHomeView } from '../../../../src/cards/slack';
import { checkBlockKitLimits } from '../../../support/fake-slack';
import { hostileCard, listCard, realisticCard } from './fixtures';

const actionIds = (blocks: any[]): string[] =>
  blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => e.action_id));

describe('renderHomeView', () => {
  it('stacks cards with dividers between them', () => {
    const view = renderHomeView([realisticCard, listCard(2)]);
    expect(checkBlockKitLimits(view)).toEqual([]);
    const first = renderCardBlocks(realisticCard).blocks;
    expect(view.type).toBe('home');
    expect(view.blocks.slice(0, first.length)).toEqual(first);
    expect(view.blocks[first.length]).toEqual({ type: 'divider' });
    expect(view.blocks.filter((b) => b.type === 'divider')).toHaveLength(1);
  });

  it('keeps action ids unique across cards', () => {
    const view = renderHomeView([listCard(3), listCard(3), listCard(3)]);
    const ids = actionIds(view.blocks);
    expect(ids.length).toBe(3 * 8);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never exceeds 100 blocks, and ends with "…" when cards were cut', () => {
    for (const cards of [
      [listCard(200), listCard(200), listCard(200)],
      Array.from({ length: 60 }, () => realisticCard),
      [hostileCard(), hostileCard(), realisticCard],
      Array.from({ length: 150 }, () => ({ kind: 'card' as const, header: '客户' })),
    ]) {
      const view = renderHomeView(cards);
      expect(checkBlockKitLimits(view)).toEqual([]);
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      expect(view.blocks.at(-1)?.type).not.toBe('divider');
      expect(view.blocks.some((b) => b.type === 'context' && b.elements[0].text === '…')).toBe(true);
      const ids = actionIds(view.blocks);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('renders an empty Home for no cards', () => {
    expect(renderHomeView([])).toEqual({ type: 'home', blocks: [] });
  });
});
