import type { Button, CardModel, FormModel } from '../../../../src/cards/reply-model';

export const longChineseNote = '客户对新报价表示满意，但希望下个月再确认采购数量，并要求安排一次现场演示。'.repeat(140).slice(0, 5000);
export const pingText = 'Hey <!channel> <!here> <@U1> see <https://evil.example|here> & <#C1>';

export const realisticCard: CardModel = {
  kind: 'card',
  tone: 'ok',
  header: '已记录拜访：上海华东贸易',
  text: '明天 10:00 与王经理会面，带上新的报价单。',
  fields: [
    { label: '客户', value: '上海华东贸易有限公司' },
    { label: '时间', value: '2025-03-04 10:00' },
    { label: 'Owner', value: 'Li Lei' },
  ],
  sections: [
    {
      title: '下一步',
      lines: ['• 发送报价', '• 安排演示'],
      buttons: [
        { label: '记录结果', action: 'visit.log_outcome', value: 'v_1', style: 'primary' },
        { label: '改期', action: 'visit.reschedule', value: 'v_1' },
        {
          label: '取消拜访',
          action: 'visit.cancel',
          value: 'v_1',
          style: 'danger',
          confirm: { title: '取消拜访？', text: '客户会收到取消通知。', ok: '取消拜访', cancel: '返回' },
        },
      ],
    },
  ],
  context: ['Owner: Li Lei', '更新于 3 分钟前'],
};

export function listCard(items: number, opts: { label?: string; note?: string } = {}): CardModel {
  return {
    kind: 'card',
    header: `我的拜访（${items}）`,
    sections: Array.from({ length: items }, (_, i) => ({
      title: `${i + 1}. 客户 ${i} <@U${i}>`,
      lines: [`周${(i % 5) + 1} 10:00`, opts.note ?? '备注：带样品'],
      buttons: [
        { label: opts.label ?? '打开', action: 'visit.log_outcome' as const, value: `v_${i}` },
        { label: opts.label ?? '取消', action: 'visit.cancel' as const, value: `v_${i}`, style: 'danger' as const },
      ],
    })),
    pager: {
      label: '第 1 / 20 页',
      previous: { label: '上一页', action: 'visit.list_page', value: '0' },
      next: { label: '下一页', action: 'visit.list_page', value: '2' },
    },
    context: ['按时间排序'],
  };
}

export function hostileCard(): CardModel {
  const button = (i: number): Button => ({
    label: `🚀 ${'很长的按钮标签'.repeat(12)} ${i} <!channel>`,
    action: 'customer.open',
    value: 'c_'.padEnd(1999, 'x'),
    style: i % 2 ? 'danger' : 'primary',
    confirm: { title: '确认？'.repeat(60), text: longChineseNote, ok: '确定'.repeat(30), cancel: '取消'.repeat(30) },
  });
  return {
    kind: 'card',
    tone: 'error',
    header: `${'标题🔥'.repeat(100)} <!channel>`,
    text: `${pingText}\n${longChineseNote}\n${longChineseNote}\n${longChineseNote}\n${longChineseNote}`.repeat(2),
    fields: Array.from({ length: 45 }, (_, i) => ({ label: `字段 ${i} ${'x'.repeat(300)}`, value: `${longChineseNote} <@U${i}>` })),
    sections: Array.from({ length: 200 }, (_, i) => ({
      title: `客户 ${i} ${'名'.repeat(400)}`,
      lines: [longChineseNote, pingText],
      buttons: [button(i), button(i + 1000)],
    })),
    buttons: Array.from({ length: 80 }, (_, i) => button(i)),
    context: Array.from({ length: 30 }, (_, i) => `${pingText} ${i} ${longChineseNote}`),
    pager: { label: `${longChineseNote} 第 1 页`, previous: button(1), next: button(2) },
  };
}

export const visitForm: FormModel = {
  kind: 'form',
  formId: 'visit.log',
  title: '记录拜访',
  submit: '保存',
  close: '取消',
  metadata: { visitId: 'v_42', channel: 'C123' },
  fields: [
    { id: 'customer', label: '客户', type: 'customer', placeholder: '输入客户名称', initial: { label: '上海华东贸易', value: 'c_7' } },
    { id: 'when', label: '时间', type: 'datetime', initial: new Date('2025-03-04T02:00:00Z') },
    { id: 'day', label: '日期', type: 'date', initial: '2025-03-04', optional: true },
    { id: 'amount', label: '金额', type: 'number', decimal: true, initial: '12000.50', optional: true },
    {
      id: 'outcome',
      label: '结果',
      type: 'select',
      options: [
        { label: '有进展', value: 'progress' },
        { label: '无进展', value: 'none' },
        { label: '丢单', value: 'lost' },
      ],
      initial: 'progress',
    },
    { id: 'notes', label: '备注', type: 'text', multiline: true, placeholder: '发生了什么？', maxLength: 3000, optional: true },
  ],
};
