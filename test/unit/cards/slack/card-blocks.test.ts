import type { CardModel } from '../../../../src/cards/reply-model';
import { escapeMrkdwn, renderCardBlocks } from '../../../../src/cards/slack';
import { checkBlockKitLimits } from '../../../support/fake-slack';
import { hostileCard, listCard, longChineseNote, pingText, realisticCard } from './fixtures';

const texts = (blocks: any[]): string[] =>
  blocks.flatMap((b) => [
    ...(b.text ? [b.text.text] : []),
    ...(b.fields ?? []).map((f: any) => f.text),
    ...(b.elements ?? []).map((e: any) => e.text?.text ?? e.text),
  ]);
const buttons = (blocks: any[]): any[] => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);

function expectWithinLimits(message: { text: string; blocks: any[] }): void {
  expect(checkBlockKitLimits(message)).toEqual([]);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  const ids = buttons(message.blocks).map((b) => b.action_id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(message.text.trim()).not.toBe('');
}

describe('renderCardBlocks: layout', () => {
  const message = renderCardBlocks(realisticCard);

  it('stays within Slack limits', () => expectWithinLimits(message));

  it('lays out header, text, fields, section + its buttons, context in order', () => {
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'actions', 'context']);
    expect(message.blocks[0].text).toEqual({ type: 'plain_text', text: ':white_check_mark: 已记录拜访：上海华东贸易', emoji: true });
    expect(message.blocks[1].text).toEqual({ type: 'mrkdwn', text: '明天 10:00 与王经理会面，带上新的报价单。' });
    expect(message.blocks[2].fields[0]).toEqual({ type: 'mrkdwn', text: '*客户*\n上海华东贸易有限公司' });
    expect(message.blocks[3].text.text).toBe('*下一步*\n• 发送报价\n• 安排演示');
    expect(message.blocks[5].elements.map((e: any) => e.text)).toEqual(['Owner: Li Lei', '更新于 3 分钟前']);
  });

  it('renders buttons with unique indexed action ids, style and a confirm dialog', () => {
    const [log, , cancel] = message.blocks[4].elements;
    expect(log).toEqual({
      type: 'button',
      action_id: 'visit.log_outcome:0',
      text: { type: 'plain_text', text: '记录结果', emoji: true },
      value: 'v_1',
      style: 'primary',
    });
    expect(cancel.action_id).toBe('visit.cancel:2');
    expect(cancel.style).toBe('danger');
    expect(cancel.confirm).toEqual({
      title: { type: 'plain_text', text: '取消拜访？', emoji: true },
      text: { type: 'plain_text', text: '客户会收到取消通知。', emoji: true },
      confirm: { type: 'plain_text', text: '取消拜访', emoji: true },
      deny: { type: 'plain_text', text: '返回', emoji: true },
      style: 'danger',
    });
  });

  it('gives a fallback text of header and text for notifications', () => {
    expect(message.text).toBe(':white_check_mark: 已记录拜访：上海华东贸易\n明天 10:00 与王经理会面，带上新的报价单。');
  });

  it('prefixes the text with the tone emoji when there is no header', () => {
    const warn = renderCardBlocks({ kind: 'card', tone: 'warn', text: '客户已被他人认领' });
    expect(warn.blocks[0].text.text).toBe(':warning: 客户已被他人认领');
    const error = renderCardBlocks({ kind: 'card', tone: 'error', header: '无法保存' });
    expect(error.blocks[0].text.text).toBe(':x: 无法保存');
    const info = renderCardBlocks({ kind: 'card', tone: 'info', header: '提示' });
    expect(info.blocks[0].text.text).toBe('提示');
  });

  it('renders the pager as a context line and previous/next buttons', () => {
    const list = renderCardBlocks(listCard(3));
    const [pagerLine, pagerButtons] = list.blocks.slice(-3, -1);
    expect(pagerLine).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '第 1 / 20 页' }] });
    expect(pagerButtons.elements.map((e: any) => [e.action_id, e.value])).toEqual([
      ['visit.list_page:6', '0'],
      ['visit.list_page:7', '2'],
    ]);
    expectWithinLimits(list);
  });

  it('falls back to the first section when there is no header or text', () => {
    const m = renderCardBlocks({ kind: 'card', sections: [{ title: '客户 A', lines: ['明天拜访'] }] });
    expect(m.text).toBe('客户 A\n明天拜访');
    expect(renderCardBlocks({ kind: 'card' })).toEqual({ text: '…', blocks: [] });
  });
});

describe('renderCardBlocks: user text is escaped', () => {
  const message = renderCardBlocks({
    kind: 'card',
    header: 'Visit <!channel>',
    text: pingText,
    fields: [{ label: '<@U2>', value: '<!everyone>' }],
    sections: [{ title: '<!here>', lines: [pingText] }],
    context: [pingText],
    pager: { label: '<!channel> page' },
  });

  it('no mrkdwn text contains an unescaped mention or link', () => {
    for (const text of [message.text, ...texts(message.blocks.filter((b) => b.type !== 'header'))]) {
      expect(text).not.toMatch(/<[!@#h]/);
    }
    expect(message.blocks[1].text.text).toBe(escapeMrkdwn(pingText));
    expect(message.text).toContain('&lt;!channel&gt;');
    expectWithinLimits(message);
  });
});

describe('renderCardBlocks: hostile input stays within limits', () => {
  it('a 5000-char Chinese note is split, not lost', () => {
    const m = renderCardBlocks({ kind: 'card', header: '备注', text: longChineseNote, sections: [{ title: '详情', lines: [longChineseNote] }] });
    expectWithinLimits(m);
    const sectionTexts = m.blocks.filter((b) => b.type === 'section').map((b) => b.text.text);
    expect(sectionTexts.every((t: string) => t.length <= 3000)).toBe(true);
    expect(sectionTexts.slice(0, 2).join('')).toBe(longChineseNote);
    expect(sectionTexts.slice(2).join('')).toBe(`*详情*\n${longChineseNote}`);
    expect(m.text.length).toBeLessThanOrEqual(3000);
  });

  it('200 list items keep header, pager and context, drop trailing sections and say so', () => {
    const m = renderCardBlocks(listCard(200));
    expectWithinLimits(m);
    // 1 header + 22 whole items (2 blocks each) + "…" + pager line + pager buttons + context
    expect(m.blocks).toHaveLength(49);
    expect(m.blocks[0].type).toBe('header');
    expect(m.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '按时间排序' }] });
    const ellipsis = m.blocks.findIndex((b) => b.type === 'context' && b.elements[0].text === '…');
    expect(ellipsis).toBeGreaterThan(0);
    // whole items only: the block before the "…" line is an item's actions block
    expect(m.blocks[ellipsis - 1].type).toBe('actions');
    expect(m.blocks[ellipsis + 1].elements[0].text).toBe('第 1 / 20 页');
  });

  it('80-char button labels are cut to 75', () => {
    const label = 'L'.repeat(80);
    const m = renderCardBlocks({ kind: 'card', text: 'x', buttons: [{ label, action: 'customer.claim', value: 'c_1' }] });
    expectWithinLimits(m);
    const text = buttons(m.blocks)[0].text.text;
    expect(text.length).toBeLessThanOrEqual(75);
    expect(text.endsWith('…')).toBe(true);
  });

  it('many card-level buttons are split into actions blocks of ≤ 25', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ label: `客户 ${i}`, action: 'customer.pick' as const, value: `c_${i}` }));
    const m = renderCardBlocks({ kind: 'card', text: '选择客户', buttons: many });
    expectWithinLimits(m);
    expect(m.blocks.filter((b) => b.type === 'actions').map((b) => b.elements.length)).toEqual([25, 15]);
  });

  it('everything at once (fields, sections, buttons, context, pager) still passes', () => {
    const m = renderCardBlocks(hostileCard());
    expectWithinLimits(m);
    const header = m.blocks[0];
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(header.text.text.startsWith(':x: 标题🔥')).toBe(true);
    for (const b of m.blocks) {
      if (b.type === 'section' && b.fields) expect(b.fields.length).toBeLessThanOrEqual(10);
      if (b.type === 'context') expect(b.elements.length).toBeLessThanOrEqual(10);
      if (b.type === 'actions') expect(b.elements.length).toBeLessThanOrEqual(25);
    }
    for (const button of buttons(m.blocks)) {
      expect(button.confirm.title.text.length).toBeLessThanOrEqual(100);
      expect(button.confirm.text.text.length).toBeLessThanOrEqual(300);
      expect(button.confirm.confirm.text.length).toBeLessThanOrEqual(30);
    }
    expect(texts(m.blocks)).toContain('…');
  });

  it('emoji are not split when cut', () => {
    const m = renderCardBlocks({ kind: 'card', header: '😀'.repeat(100), text: '👨‍👩‍👧'.repeat(1000) });
    expectWithinLimits(m);
    for (const t of [m.text, ...texts(m.blocks)]) expect(t).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('throws on a button value over 2000 chars: that is a programming error', () => {
    const card: CardModel = { kind: 'card', buttons: [{ label: 'x', action: 'customer.open', value: 'x'.repeat(2001) }] };
    expect(() => renderCardBlocks(card)).toThrow(/2000/);
  });
});

describe('renderCardBlocks: any card stays within limits (property)', () => {
  const fc = require('fast-check') as typeof import('fast-check');
  const text = (maxLength: number) =>
    fc.oneof(fc.string({ unit: 'grapheme', maxLength }), fc.string({ unit: 'binary', maxLength }), fc.constantFrom('<!channel>', '&<>', '客户'.repeat(2000)));
  const button = fc.record({
    label: text(120),
    action: fc.constantFrom('customer.open' as const, 'visit.cancel' as const, 'opp.stage' as const),
    value: fc.string({ maxLength: 2000 }),
    style: fc.option(fc.constantFrom('primary' as const, 'danger' as const), { nil: undefined }),
  });
  const card = fc.record(
    {
      kind: fc.constant('card' as const),
      tone: fc.constantFrom('ok' as const, 'info' as const, 'warn' as const, 'error' as const),
      header: text(300),
      text: text(8000),
      fields: fc.array(fc.record({ label: text(200), value: text(3000) }), { maxLength: 40 }),
      sections: fc.array(fc.record({ title: text(300), lines: fc.array(text(4000), { maxLength: 4 }), buttons: fc.array(button, { maxLength: 30 }) }), { maxLength: 80 }),
      buttons: fc.array(button, { maxLength: 60 }),
      context: fc.array(text(4000), { maxLength: 15 }),
      pager: fc.record({ label: text(200), next: button }),
    },
    { requiredKeys: ['kind'] },
  );

  it('passes checkBlockKitLimits for random cards', () => {
    fc.assert(
      fc.property(card, (c) => {
        const m = renderCardBlocks(c);
        expect(checkBlockKitLimits(m)).toEqual([]);
        const ids = buttons(m.blocks).map((b) => b.action_id);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 150 },
    );
  });
});
