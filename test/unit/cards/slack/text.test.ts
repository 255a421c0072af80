import fc from 'fast-check';
import { chunkMrkdwn, escapeMrkdwn, safeCutIndex, truncateMrkdwn, truncatePlain } from '../../../../src/cards/slack/text';

const boundaries = (text: string): Set<number> => {
  const out = new Set<number>([0, text.length]);
  for (const { index } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) out.add(index);
  return out;
};

describe('escapeMrkdwn', () => {
  it('escapes &, < and > so mentions and links in user text stay literal', () => {
    expect(escapeMrkdwn('<!channel> <@U1> a&b > c')).toBe('&lt;!channel&gt; &lt;@U1&gt; a&amp;b &gt; c');
  });

  it('leaves Chinese text and emoji untouched', () => {
    expect(escapeMrkdwn('客户很满意 👍 :tada:')).toBe('客户很满意 👍 :tada:');
  });
});

describe('truncatePlain', () => {
  it('keeps short text as is', () => {
    expect(truncatePlain('下周二拜访', 75)).toBe('下周二拜访');
  });

  it('cuts to the limit with an ellipsis', () => {
    const out = truncatePlain('a'.repeat(80), 75);
    expect(out).toHaveLength(75);
    expect(out.endsWith('…')).toBe(true);
  });

  it('never splits an emoji (surrogate pair or ZWJ family)', () => {
    const family = '👨‍👩‍👧';
    const out = truncatePlain(family.repeat(20), 30);
    expect(out.length).toBeLessThanOrEqual(30);
    expect(out.replace(/…$/, '').split(family).every((rest) => rest === '')).toBe(true);
    expect(() => encodeURIComponent(truncatePlain('😀'.repeat(50), 10))).not.toThrow();
  });
});

describe('truncateMrkdwn / chunkMrkdwn', () => {
  it('never cuts inside an entity', () => {
    const escaped = escapeMrkdwn('<'.repeat(100));
    for (let max = 10; max < 30; max++) {
      const out = truncateMrkdwn(escaped, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out.replace(/…$/, '')).toMatch(/^(&lt;)+$/);
    }
  });

  it('splits on line breaks when it can, and every piece fits', () => {
    const text = Array.from({ length: 300 }, (_, i) => `第${i}行 客户反馈`).join('\n');
    const chunks = chunkMrkdwn(text, 500);
    expect(chunks.every((c) => c.length <= 500)).toBe(true);
    expect(chunks.join('\n')).toBe(text);
  });

  it('hard-splits a long line without losing characters', () => {
    const text = escapeMrkdwn('客户<说>&'.repeat(1000));
    const chunks = chunkMrkdwn(text, 3000);
    expect(chunks.every((c) => c.length <= 3000 && !/&[a-z]*$/.test(c))).toBe(true);
    expect(chunks.join('')).toBe(text);
  });

  it('drops whitespace-only pieces', () => {
    expect(chunkMrkdwn('   ', 3000)).toEqual([]);
  });
});

describe('safeCutIndex', () => {
  const piece = fc.constantFrom('客', '户', 'a', ' ', '。', 'é', 'e\u0301', '👍🏽', '👨‍👩‍👧', '🇨🇳', '🇺🇸', '&', '<', 'ｶﾞ', '한', '\u1100\u1161', 'क्ष', '\n');
  it('always cuts on a grapheme boundary of the whole text, at or below max', () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 1500 }), fc.integer({ min: 20, max: 3000 }), (pieces, max) => {
        const text = pieces.join('');
        const cut = safeCutIndex(text, max, false);
        expect(cut).toBeLessThanOrEqual(Math.max(max, 0));
        if (text.length <= max) expect(cut).toBe(text.length);
        else expect(boundaries(text).has(cut)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
