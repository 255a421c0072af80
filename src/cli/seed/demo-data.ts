import type { Locale, Role } from '../../domain/org/user.entity';

/** Word lists the demo generator draws from: a Chinese B2B seller with some international accounts. */

export const emailDomain = 'demo.example.com';

export type DemoPerson = { name: string; handle: string; role: Role; team: Team | null; locale: Locale; timezone?: string };
export type Team = 'North' | 'East' | 'South';
export const teams: readonly Team[] = ['North', 'East', 'South'];

export const people: readonly DemoPerson[] = [
  { name: '赵敏', handle: 'zhao.min', role: 'admin', team: null, locale: 'zh-CN' },
  { name: '李强', handle: 'li.qiang', role: 'manager', team: 'North', locale: 'zh-CN' },
  { name: 'Emily Chen', handle: 'emily.chen', role: 'manager', team: 'East', locale: 'en' },
  { name: '陈静', handle: 'chen.jing', role: 'manager', team: 'South', locale: 'zh-CN' },
  { name: '王伟', handle: 'wang.wei', role: 'rep', team: 'North', locale: 'zh-CN' },
  { name: '张磊', handle: 'zhang.lei', role: 'rep', team: 'North', locale: 'zh-CN' },
  { name: 'Michael Brown', handle: 'michael.brown', role: 'rep', team: 'North', locale: 'en' },
  { name: '刘洋', handle: 'liu.yang', role: 'rep', team: 'North', locale: 'zh-CN' },
  { name: 'Sarah Johnson', handle: 'sarah.johnson', role: 'rep', team: 'North', locale: 'en' },
  { name: '杨帆', handle: 'yang.fan', role: 'rep', team: 'East', locale: 'zh-CN' },
  { name: 'Kevin Wu', handle: 'kevin.wu', role: 'rep', team: 'East', locale: 'en' },
  { name: '黄丽', handle: 'huang.li', role: 'rep', team: 'East', locale: 'zh-CN' },
  { name: 'Anna Schmidt', handle: 'anna.schmidt', role: 'rep', team: 'East', locale: 'en', timezone: 'Europe/Berlin' },
  { name: '周杰', handle: 'zhou.jie', role: 'rep', team: 'East', locale: 'en' },
  { name: '吴昊', handle: 'wu.hao', role: 'rep', team: 'South', locale: 'zh-CN' },
  { name: '徐敏', handle: 'xu.min', role: 'rep', team: 'South', locale: 'zh-CN' },
  { name: 'James Lee', handle: 'james.lee', role: 'rep', team: 'South', locale: 'en', timezone: 'Asia/Hong_Kong' },
  { name: '孙悦', handle: 'sun.yue', role: 'rep', team: 'South', locale: 'zh-CN' },
  { name: 'Olivia Martin', handle: 'olivia.martin', role: 'rep', team: 'South', locale: 'en' },
];

export type City = { zh: string; en: string; areaCode: string; region: string };
export const citiesByRegion: Record<string, readonly City[]> = {
  North: [
    { zh: '北京', en: 'Beijing', areaCode: '010', region: 'North' },
    { zh: '天津', en: 'Tianjin', areaCode: '022', region: 'North' },
    { zh: '济南', en: 'Jinan', areaCode: '0531', region: 'North' },
    { zh: '沈阳', en: 'Shenyang', areaCode: '024', region: 'North' },
  ],
  East: [
    { zh: '上海', en: 'Shanghai', areaCode: '021', region: 'East' },
    { zh: '杭州', en: 'Hangzhou', areaCode: '0571', region: 'East' },
    { zh: '南京', en: 'Nanjing', areaCode: '025', region: 'East' },
    { zh: '苏州', en: 'Suzhou', areaCode: '0512', region: 'East' },
  ],
  South: [
    { zh: '广州', en: 'Guangzhou', areaCode: '020', region: 'South' },
    { zh: '深圳', en: 'Shenzhen', areaCode: '0755', region: 'South' },
    { zh: '厦门', en: 'Xiamen', areaCode: '0592', region: 'South' },
    { zh: '东莞', en: 'Dongguan', areaCode: '0769', region: 'South' },
  ],
  West: [
    { zh: '成都', en: 'Chengdu', areaCode: '028', region: 'West' },
    { zh: '重庆', en: 'Chongqing', areaCode: '023', region: 'West' },
    { zh: '西安', en: "Xi'an", areaCode: '029', region: 'West' },
  ],
};

export type Industry = { en: string; zhWords: readonly string[]; enWords: readonly string[] };
export const industries: readonly Industry[] = [
  { en: 'Manufacturing', zhWords: ['精密机械', '智能装备', '汽车零部件'], enWords: ['Precision Machinery', 'Manufacturing', 'Auto Parts'] },
  { en: 'Electronics', zhWords: ['电子科技', '半导体'], enWords: ['Electronics', 'Semiconductor'] },
  { en: 'Retail', zhWords: ['商贸', '连锁超市'], enWords: ['Retail', 'Trading'] },
  { en: 'Healthcare', zhWords: ['医疗器械', '生物医药'], enWords: ['Medical', 'Life Sciences'] },
  { en: 'Logistics', zhWords: ['物流', '供应链管理'], enWords: ['Logistics', 'Supply Chain'] },
  { en: 'Energy', zhWords: ['新能源', '电力设备'], enWords: ['Energy', 'Power Systems'] },
  { en: 'IT Services', zhWords: ['信息技术', '软件'], enWords: ['Software', 'IT Solutions'] },
  { en: 'Education', zhWords: ['教育科技'], enWords: ['Learning'] },
  { en: 'Food & Beverage', zhWords: ['食品', '饮料'], enWords: ['Foods', 'Beverages'] },
];

/** Trade-name cores with their pinyin (for the company's web domain). */
export const zhCores: readonly (readonly [string, string])[] = [
  ['华鑫', 'huaxin'], ['恒通', 'hengtong'], ['瑞丰', 'ruifeng'], ['中科', 'zhongke'], ['宏达', 'hongda'],
  ['金桥', 'jinqiao'], ['新锐', 'xinrui'], ['天合', 'tianhe'], ['博远', 'boyuan'], ['联创', 'lianchuang'],
  ['盛世', 'shengshi'], ['永信', 'yongxin'], ['嘉禾', 'jiahe'], ['东方', 'dongfang'], ['正泰', 'zhengtai'],
  ['海纳', 'haina'], ['凯越', 'kaiyue'], ['明德', 'mingde'], ['远航', 'yuanhang'], ['安泰', 'antai'],
  ['华宇', 'huayu'], ['同创', 'tongchuang'], ['鼎盛', 'dingsheng'], ['润华', 'runhua'], ['晨光', 'chenguang'],
  ['星河', 'xinghe'], ['卓越', 'zhuoyue'], ['立信', 'lixin'], ['万达通', 'wandatong'], ['蓝海', 'lanhai'],
];
export const zhSuffixes = ['有限公司', '股份有限公司', '集团有限公司'] as const;

export const enCores: readonly string[] = [
  'Blue River', 'Golden Gate', 'Pacific', 'Summit', 'Evergreen', 'Silverline', 'Orient', 'Harbor', 'Redwood',
  'Bright Star', 'Crescent', 'Apex', 'Lotus', 'Jade', 'Dragon Bay', 'Meridian', 'Sunrise', 'Greenfield',
  'Northwind', 'Everbright', 'Silk Road', 'Peak', 'Oakridge', 'Cobalt', 'Horizon',
];
export const enSuffixes = ['Ltd', 'Co., Ltd.', 'Group', 'Inc.', 'Holdings'] as const;

export const companySizes = ['1-50', '51-200', '201-1000', '1000+'] as const;
export const sources: readonly (readonly [string, number])[] = [['Trade show', 3], ['Website', 3], ['Referral', 2], ['Cold call', 2], ['Seminar', 2], ['Partner', 1]];
export const tagPool = ['VIP', 'Tender', 'Price sensitive', 'Long cycle', 'Government', 'Competitor: Siemens', 'Competitor: local', '渠道客户', '重点跟进', '老客户'] as const;

export const zhSurnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '林'] as const;
export const zhGiven = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '霞', '平', '刚', '婷'] as const;
export const zhTitles = ['采购经理', '总经理', '技术总监', '财务总监', '运营副总', '项目经理'] as const;
export const enFirst = ['David', 'Linda', 'Peter', 'Grace', 'Tom', 'Helen', 'Frank', 'Lucy', 'Mark', 'Sophie', 'Daniel', 'Vivian'] as const;
export const enLast = ['Wong', 'Smith', 'Tan', 'Müller', 'Garcia', 'Lim', 'Taylor', 'Ho', 'Nguyen', 'Clarke'] as const;
export const enTitles = ['Purchasing Manager', 'CEO', 'CTO', 'CFO', 'Operations Director', 'Project Manager'] as const;

export const zhDistricts = ['高新区', '经济技术开发区', '工业园区', '科技园', '新城区', '临港产业园'] as const;
export const zhRoads = ['科技路', '创业大道', '人民路', '长江路', '建设路', '中山路', '环城东路'] as const;
export const enRoads = ['Technology', 'Innovation', 'Century', 'Harbour', 'Zhongshan', 'Riverside', 'Park'] as const;

export const products = [
  { en: 'Smart sensors', zh: '智能传感器' },
  { en: 'ERP integration', zh: 'ERP集成' },
  { en: 'Cloud backup', zh: '云备份' },
  { en: 'Industrial robots', zh: '工业机器人' },
  { en: 'Service contract', zh: '维保服务' },
  { en: 'Energy monitoring', zh: '能耗监测系统' },
] as const;
export const dealKinds = [
  { en: 'pilot', zh: '试点项目' },
  { en: 'phase 2 rollout', zh: '二期项目' },
  { en: 'annual framework', zh: '年度框架协议' },
  { en: 'renewal', zh: '续约' },
  { en: 'upgrade', zh: '升级改造' },
  { en: 'new plant', zh: '新工厂项目' },
] as const;

/** {c} contact, {p} product. */
export const notes = {
  en: {
    visit: [
      'Met {c} to walk through the {p} proposal; positive on scope, wants a revised price.',
      'On-site demo of {p} for the engineering team; they asked for a two-week trial.',
      'Quarterly review with {c}: usage is up, renewal discussion started.',
      'Toured the new production line with {c}; good fit for {p}.',
      'Visit cut short, {c} was called into a meeting; rescheduled.',
    ],
    call: [
      'Called {c} about the {p} quote; waiting for their budget approval.',
      'Follow-up call: {c} compared us with a local supplier, price gap about 8%.',
      'Checked delivery timing for {p} with {c}.',
      'Short call, {c} asked for reference customers.',
    ],
    email: [
      'Sent the {p} brochure and case studies to {c}.',
      'Emailed revised quote for {p}.',
      'Sent meeting minutes and next steps to {c}.',
    ],
    meeting: [
      'Workshop with {c} and IT on {p} requirements.',
      'Negotiation meeting on payment terms with {c}.',
      'Met {c} at the trade show; strong interest in {p}.',
    ],
  },
  zh: {
    visit: [
      '拜访{c}，介绍{p}方案，对范围认可，希望调整报价。',
      '现场演示{p}，技术团队要求试用两周。',
      '与{c}进行季度回顾，使用量上升，开始讨论续约。',
      '参观客户新产线，{p}很适合。',
      '{c}临时开会，拜访时间缩短，已改约。',
    ],
    call: [
      '电话跟进{p}报价，客户等待预算审批。',
      '{c}反馈与本地供应商对比，价格差约8%。',
      '与{c}确认{p}交付时间。',
      '简短通话，{c}希望提供参考客户。',
    ],
    email: [
      '向{c}发送{p}资料和成功案例。',
      '发送{p}修订报价。',
      '发送会议纪要和下一步计划。',
    ],
    meeting: [
      '与{c}及IT部门开需求研讨会（{p}）。',
      '与{c}就付款条件进行谈判。',
      '展会上与{c}交流，对{p}兴趣浓厚。',
    ],
  },
} as const;

export const problems = {
  en: ['Budget frozen until next quarter.', 'Decision maker changed.', 'Competitor offered a 15% discount.', 'Long internal approval chain.'],
  zh: ['预算冻结至下季度。', '决策人变动。', '竞争对手报价低15%。', '内部审批流程长。'],
} as const;
export const nextSteps = {
  en: ['Send revised quote', 'Arrange technical demo', 'Book meeting with the CFO', 'Prepare trial plan', 'Share reference cases'],
  zh: ['发送修订报价', '安排技术演示', '约见财务总监', '准备试用方案', '提供参考案例'],
} as const;
export const visitPurposes = {
  en: ['Present the new price list', 'Technical workshop', 'Contract signing', 'Quarterly business review', 'Site survey'],
  zh: ['介绍新价格政策', '技术交流会', '合同签署', '季度业务回顾', '现场勘查'],
} as const;
export const lostReasons = {
  en: [
    'Price too high compared with the competitor',
    'Chose a competitor (Siemens)',
    'Budget cut',
    'Project postponed indefinitely',
    'No access to the decision maker',
    'Requirements did not fit our product',
  ],
  zh: ['价格高于竞争对手', '选择了竞争对手（西门子）', '客户预算取消', '项目无限期延后', '无法接触决策人', '需求与产品不匹配', '选择了本地供应商'],
} as const;

/** Relative deal volume by calendar month: Spring Festival dip, half-year and year-end pushes. */
export const monthSeasonality = [0.9, 0.5, 1.0, 1.0, 1.05, 1.3, 0.9, 0.85, 1.1, 0.8, 1.2, 1.5] as const;
