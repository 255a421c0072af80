import type { FormModel } from '../../../../src/cards/reply-model';
import { readFormMetadata, readFormValues, renderFieldErrors, renderFormView } from '../../../../src/cards/slack';
import { checkBlockKitLimits } from '../../../support/fake-slack';
import { longChineseNote, visitForm } from './fixtures';

/** What Slack sends back in view.state.values once the user has filled the modal. */
function fakeState(view: any, answers: Record<string, any>): any {
  const values: any = {};
  for (const block of view.blocks) {
    const el = block.element;
    const answer = answers[block.block_id];
    const state: any = { type: el.type };
    switch (el.type) {
      case 'plain_text_input':
      case 'number_input':
        state.value = answer ?? null;
        break;
      case 'datetimepicker':
        state.selected_date_time = answer === undefined ? null : Math.floor((answer as Date).getTime() / 1000);
        break;
      case 'datepicker':
        state.selected_date = answer ?? null;
        break;
      case 'static_select':
        state.selected_option = answer === undefined ? null : el.options.find((o: any) => o.value === answer);
        break;
      case 'external_select':
        state.selected_option = answer === undefined ? null : { text: { type: 'plain_text', text: answer.label }, value: answer.value };
        break;
    }
    values[block.block_id] = { [el.action_id]: state };
  }
  return values;
}

describe('renderFormView', () => {
  const view = renderFormView(visitForm);

  it('is a modal within Slack limits', () => {
    expect(checkBlockKitLimits(view)).toEqual([]);
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'visit.log',
      title: { type: 'plain_text', text: '记录拜访' },
      submit: { type: 'plain_text', text: '保存' },
      close: { type: 'plain_text', text: '取消' },
    });
    expect(JSON.parse(view.private_metadata)).toEqual({ visitId: 'v_42', channel: 'C123' });
    expect(readFormMetadata(view.private_metadata)).toEqual({ visitId: 'v_42', channel: 'C123' });
  });

  it('renders one input block per field, block_id = action_id = field id', () => {
    expect(view.blocks.map((b: any) => [b.type, b.block_id, b.element.action_id, b.element.type, b.optional ?? false])).toEqual([
      ['input', 'customer', 'customer', 'external_select', false],
      ['input', 'when', 'when', 'datetimepicker', false],
      ['input', 'day', 'day', 'datepicker', true],
      ['input', 'amount', 'amount', 'number_input', true],
      ['input', 'outcome', 'outcome', 'static_select', false],
      ['input', 'notes', 'notes', 'plain_text_input', true],
    ]);
    const [customer, when, day, amount, outcome, notes] = view.blocks.map((b: any) => b.element);
    expect(customer).toMatchObject({ min_query_length: 1, initial_option: { text: { text: '上海华东贸易' }, value: 'c_7' } });
    expect(customer.placeholder.text).toBe('输入客户名称');
    expect(when.initial_date_time).toBe(Date.parse('2025-03-04T02:00:00Z') / 1000);
    expect(day.initial_date).toBe('2025-03-04');
    expect(amount).toMatchObject({ is_decimal_allowed: true, initial_value: '12000.50' });
    expect(outcome.options).toHaveLength(3);
    expect(outcome.initial_option).toEqual(outcome.options[0]);
    expect(notes).toMatchObject({ multiline: true, max_length: 3000, placeholder: { text: '发生了什么？' } });
    expect(view.blocks[0].label.text).toBe('客户');
  });

  it('round-trips: rendered view → Slack state values → plain values', () => {
    const when = new Date('2025-03-05T06:30:00Z');
    const state = fakeState(view, {
      customer: { label: '北京', value: 'c_9' },
      when,
      day: '2025-03-05',
      amount: '99.5',
      outcome: 'lost',
      notes: `  ${longChineseNote.slice(0, 100)}  `,
    });
    expect(readFormValues(visitForm, state)).toEqual({
      customer: 'c_9',
      when,
      day: '2025-03-05',
      amount: '99.5',
      outcome: 'lost',
      notes: longChineseNote.slice(0, 100),
    });
  });

  it('reads empty optional fields as null', () => {
    const state = fakeState(view, { notes: '   ' });
    expect(readFormValues(visitForm, state)).toEqual({ customer: null, when: null, day: null, amount: null, outcome: null, notes: null });
    expect(readFormValues({ fields: [{ id: 'x', type: 'text' }] }, undefined)).toEqual({ x: null });
  });

  it('keeps hostile forms within limits', () => {
    const form: FormModel = {
      kind: 'form',
      formId: 'customer.new',
      title: '新建客户（请填写所有必填信息）',
      submit: '保存并通知所有相关的销售人员',
      close: '取消并放弃所有已填写的内容',
      metadata: { note: '备注' },
      fields: [
        { id: 'name', label: '名称'.repeat(1500), type: 'text', placeholder: '名'.repeat(300), initial: longChineseNote, maxLength: 200 },
        { id: 'notes', label: '备注', type: 'text', multiline: true, initial: longChineseNote },
        {
          id: 'industry',
          label: '行业',
          type: 'select',
          options: Array.from({ length: 150 }, (_, i) => ({ label: `行业 ${'长'.repeat(100)} ${i}`, value: `ind_${i}` })),
          initial: 'ind_140',
        },
        { id: 'parent', label: '上级客户', type: 'customer', initial: { label: '客'.repeat(200), value: 'c_1' } },
      ],
    };
    const hostile = renderFormView(form);
    expect(checkBlockKitLimits(hostile)).toEqual([]);
    expect(hostile.title.text.length).toBeLessThanOrEqual(24);
    expect(hostile.submit.text.length).toBeLessThanOrEqual(24);
    expect(hostile.close.text.length).toBeLessThanOrEqual(24);
    const [name, notes, industry, parent] = hostile.blocks.map((b: any) => b.element);
    expect(name.initial_value.length).toBeLessThanOrEqual(200);
    expect(name.placeholder.text.length).toBeLessThanOrEqual(150);
    expect(notes.initial_value.length).toBeLessThanOrEqual(3000);
    expect(industry.options).toHaveLength(100);
    expect(industry.initial_option.value).toBe('ind_140');
    expect(industry.options).toContainEqual(industry.initial_option);
    expect(industry.options.every((o: any) => o.text.text.length <= 75)).toBe(true);
    expect(parent.initial_option.text.text.length).toBeLessThanOrEqual(75);
    expect(hostile.blocks[0].label.text.length).toBeLessThanOrEqual(2000);
  });

  it('lets the handler pass its own private_metadata', () => {
    expect(renderFormView(visitForm, { privateMetadata: '{"r":"1"}' }).private_metadata).toBe('{"r":"1"}');
  });

  it('throws on programming errors', () => {
    expect(() => renderFormView({ ...visitForm, metadata: { big: 'x'.repeat(3000) } })).toThrow(/private_metadata/);
    expect(() => renderFormView(visitForm, { privateMetadata: 'x'.repeat(3001) })).toThrow(/3000/);
    expect(() => renderFormView({ ...visitForm, fields: [visitForm.fields[0]!, visitForm.fields[0]!] })).toThrow(/duplicate/);
    expect(() =>
      renderFormView({ ...visitForm, fields: [{ id: 'd', label: 'd', type: 'date', initial: '4/3/2025' }] }),
    ).toThrow(/YYYY-MM-DD/);
    expect(() =>
      renderFormView({ ...visitForm, fields: [{ id: 's', label: 's', type: 'select', options: [{ label: 'x', value: 'v'.repeat(76) }] }] }),
    ).toThrow(/75/);
  });

  it('normalises an integral initial number for a whole-number field', () => {
    const v = renderFormView({ ...visitForm, fields: [{ id: 'n', label: '数量', type: 'number', initial: '12.00' }] });
    expect(v.blocks[0].element).toMatchObject({ is_decimal_allowed: false, initial_value: '12' });
  });
});

describe('renderFieldErrors', () => {
  it('has Slack’s response_action shape with short messages', () => {
    const out = renderFieldErrors({ when: '时间不能早于现在', notes: '太长了'.repeat(100) });
    expect(out.response_action).toBe('errors');
    expect(out.errors.when).toBe('时间不能早于现在');
    expect(out.errors.notes.length).toBeLessThanOrEqual(150);
  });
});
