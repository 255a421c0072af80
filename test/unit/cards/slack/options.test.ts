import { renderOptions } from '../../../../src/cards/slack';
import { checkOptionsResponse } from '../../../support/fake-slack';

describe('renderOptions', () => {
  it('renders plain_text options with Chinese labels kept', () => {
    expect(checkOptionsResponse(renderOptions([{ label: '上海 <!channel>', value: 'c_1' }]))).toEqual([]);
    expect(renderOptions([{ label: '上海华东贸易有限公司', value: 'c_1' }])).toEqual({
      options: [{ text: { type: 'plain_text', text: '上海华东贸易有限公司', emoji: true }, value: 'c_1' }],
    });
  });

  it('keeps at most 100, cuts labels to 75 and removes duplicate values', () => {
    const items = Array.from({ length: 250 }, (_, i) => ({ label: `客户 ${'长'.repeat(100)} ${i}`, value: `c_${i % 200}` }));
    const response = renderOptions(items);
    expect(checkOptionsResponse(response)).toEqual([]);
    const { options } = response;
    expect(options).toHaveLength(100);
    expect(new Set(options.map((o) => o.value)).size).toBe(100);
    for (const o of options) {
      expect(o.text.text.length).toBeLessThanOrEqual(75);
      expect(o.value.length).toBeLessThanOrEqual(75);
    }
  });

  it('throws on a value over 75 chars (values carry ids, not data)', () => {
    expect(() => renderOptions([{ label: 'x', value: 'v'.repeat(76) }])).toThrow(/75/);
  });

  it('uses the value when the label is empty (Slack rejects empty text)', () => {
    expect(renderOptions([{ label: '  ', value: 'c_9' }]).options[0].text.text).toBe('c_9');
  });
});
