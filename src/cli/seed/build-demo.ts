import { DateTime } from 'luxon';
import type { Interaction, InteractionType, Outcome } from '../../domain/activities/interaction.entity';
import { searchNameOf } from '../../domain/customers/customer-access';
import type { Contact, Customer, Tier } from '../../domain/customers/customer.entity';
import type { Opportunity, ScoreInputs, Stage } from '../../domain/opportunities/opportunity.entity';
import { defaultStageProbability, scoreFactors } from '../../domain/opportunities/score-opportunity';
import { computeScore, defaultScoringSettings } from '../../domain/opportunities/scoring';
import type { StageChange } from '../../domain/opportunities/stage-change.entity';
import type { OrgUnit } from '../../domain/org/org-unit.entity';
import type { User } from '../../domain/org/user.entity';
import type { Tenant } from '../../domain/tenants/tenant.entity';
import * as d from './demo-data';
import { Prng } from './prng';

export type DemoData = {
  tenant: Tenant;
  units: OrgUnit[];
  users: User[];
  customers: Customer[];
  opportunities: Opportunity[];
  stageChanges: StageChange[];
  interactions: Interaction[];
};

export const demoTimezone = 'Asia/Shanghai';
const openPath: Stage[] = ['initial_contact', 'solution', 'quote', 'negotiation'];

/**
 * Builds a demo tenant's whole data set in memory: pure, no I/O, and the same output for the same
 * slug and day (every random choice comes from a PRNG seeded with the slug; dates are counted
 * from the start of `now`'s day in Shanghai, so past activity ends yesterday and planned visits
 * start tomorrow).
 */
export function buildDemoData(opts: { slug: string; now: Date }): DemoData {
  const rng = new Prng(`sfa-demo:${opts.slug}`);
  const today = DateTime.fromJSDate(opts.now, { zone: demoTimezone }).startOf('day');
  // Everything is counted from the start of the day, not the minute: the same day gives the same data.
  const nowMs = today.toMillis();

  /** A working-hours moment `daysAgo` days back, moved off weekends (earlier). */
  const past = (daysAgo: number): Date => {
    let day = today.minus({ days: Math.max(1, Math.round(daysAgo)) });
    if (day.weekday === 6) day = day.minus({ days: 1 });
    if (day.weekday === 7) day = day.minus({ days: 2 });
    return day.set({ hour: rng.int(9, 17), minute: rng.pick([0, 15, 30, 45]) }).toJSDate();
  };
  /** A working-hours moment `daysAhead` days on, moved off weekends (later). */
  const future = (daysAhead: number): Date => {
    let day = today.plus({ days: Math.max(1, daysAhead) });
    if (day.weekday === 6) day = day.plus({ days: 2 });
    if (day.weekday === 7) day = day.plus({ days: 1 });
    return day.set({ hour: rng.int(9, 16), minute: rng.pick([0, 30]) }).toJSDate();
  };
  const daysAgoOf = (date: Date) => (nowMs - date.getTime()) / 86_400_000;
  const isoDay = (date: Date) => DateTime.fromJSDate(date, { zone: demoTimezone }).toISODate()!;
  const between = (from: Date, to: Date) => new Date(from.getTime() + rng.next() * Math.max(0, to.getTime() - from.getTime()));

  // Tenant, org tree and people.
  const founded = today.minus({ years: 2, days: 45 }).toJSDate();
  const tenant = {
    id: rng.uuid(), slug: opts.slug, name: 'Demo 演示贸易有限公司', slackTeamId: null, teamsTenantId: null,
    defaultLocale: 'zh-CN', defaultTimezone: demoTimezone, defaultCurrency: 'CNY', createdAt: founded,
  } as Tenant;
  const rootId = rng.uuid();
  const units: OrgUnit[] = [{ id: rootId, tenantId: tenant.id, parentId: null, name: 'Sales', namePath: 'Sales', idPath: `/${rootId}/`, managerId: null, createdAt: founded } as OrgUnit];
  const teamUnit = new Map<d.Team, OrgUnit>();
  for (const team of d.teams) {
    const id = rng.uuid();
    const unit = { id, tenantId: tenant.id, parentId: rootId, name: team, namePath: `Sales/${team}`, idPath: `/${rootId}/${id}/`, managerId: null, createdAt: founded } as OrgUnit;
    units.push(unit);
    teamUnit.set(team, unit);
  }
  const users = d.people.map((p) => ({
    id: rng.uuid(), tenantId: tenant.id, email: `${p.handle}@${d.emailDomain}`, name: p.name, role: p.role,
    orgUnitId: p.team ? teamUnit.get(p.team)!.id : rootId, locale: p.locale, timezone: p.timezone ?? demoTimezone,
    slackTeamId: null, slackUserId: null, teamsTenantId: null, teamsAadObjectId: null, reminderLeadMinutes: 30, active: true,
    createdAt: founded, updatedAt: founded,
  }) as User);
  const teamOf = new Map(users.map((u, i) => [u.id, d.people[i]!.team]));
  for (const [i, p] of d.people.entries()) if (p.role === 'manager') teamUnit.get(p.team!)!.managerId = users[i]!.id;
  const admin = users.find((u) => u.role === 'admin')!;
  const repsOf = (team: d.Team) => users.filter((u) => u.role === 'rep' && teamOf.get(u.id) === team);
  const managerOf = (team: d.Team) => users.find((u) => u.role === 'manager' && teamOf.get(u.id) === team)!;
  const allReps = users.filter((u) => u.role === 'rep');
  // Some reps simply sell more: it gives the leaderboard and the KPIs a shape.
  const skill = new Map(users.map((u) => [u.id, u.role === 'rep' ? 0.6 + rng.next() * 0.8 : 0.5]));

  // Customers.
  const customers: Customer[] = [];
  const meta = new Map<string, { city: d.City; zh: boolean; formerOwner: User | null }>();
  const takenNames = new Set<string>();
  const takenDomains = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const region = rng.weighted([['North', 30], ['East', 32], ['South', 28], ['West', 10]] as const);
    const city = rng.pick(d.citiesByRegion[region]!);
    const industry = rng.pick(d.industries);
    const zh = rng.chance(0.65);
    let name = '';
    let domainBase = '';
    do {
      if (zh) {
        const [core, pinyin] = rng.pick(d.zhCores);
        name = `${city.zh}${core}${rng.pick(industry.zhWords)}${rng.pick(d.zhSuffixes)}`;
        domainBase = `${pinyin}-${city.en.toLowerCase().replace(/[^a-z]/g, '')}`;
      } else {
        const core = rng.pick(d.enCores);
        name = `${rng.chance(0.4) ? `${city.en} ` : ''}${core} ${rng.pick(industry.enWords)} ${rng.pick(d.enSuffixes)}`;
        domainBase = core.toLowerCase().replace(/[^a-z]/g, '');
      }
    } while (takenNames.has(searchNameOf(name)));
    takenNames.add(searchNameOf(name));
    let domain = `${domainBase}.${zh ? 'com.cn' : 'com'}`;
    for (let n = 2; takenDomains.has(domain); n++) domain = `${domainBase}${n}.${zh ? 'com.cn' : 'com'}`;
    takenDomains.add(domain);

    const tier = rng.weighted<Tier>([['A', 15], ['B', 35], ['C', 50]]);
    const keyAccount = tier === 'A' ? rng.chance(0.45) : tier === 'B' ? rng.chance(0.04) : false;
    const team = region === 'West' ? rng.pick(d.teams) : (region as d.Team);
    const pooled = region === 'West' ? rng.chance(0.7) : rng.chance(0.1);
    const candidate = rng.chance(0.08) ? managerOf(team) : rng.pick(repsOf(team));
    const createdAt = past(rng.chance(0.7) ? rng.int(400, 760) : rng.int(20, 400));
    const contacts: Contact[] = Array.from({ length: rng.int(1, 3) }, () =>
      zh
        ? { name: `${rng.pick(d.zhSurnames)}${rng.pick(d.zhGiven)}${rng.chance(0.5) ? rng.pick(d.zhGiven) : ''}`, title: rng.pick(d.zhTitles), phone: mobile() }
        : { name: `${rng.pick(d.enFirst)} ${rng.pick(d.enLast)}`, title: rng.pick(d.enTitles), email: `${rng.pick(d.enFirst).toLowerCase()}@${domain}` },
    );
    const customer = {
      id: rng.uuid(), tenantId: tenant.id, name, searchName: searchNameOf(name), contacts,
      phone: rng.chance(0.5) ? `${city.areaCode}-${digits(city.areaCode.length === 3 ? 8 : 7)}` : mobile(),
      email: `${rng.pick(['info', 'sales', 'purchasing', 'contact'])}@${domain}`,
      website: `www.${domain}`,
      address: zh
        ? `${city.zh}市${rng.pick(d.zhDistricts)}${rng.pick(d.zhRoads)}${rng.int(1, 999)}号`
        : `${rng.int(1, 999)} ${rng.pick(d.enRoads)} Road, ${city.en}`,
      region, industry: industry.en,
      companySize: tier === 'A' ? rng.pick(['201-1000', '1000+']) : rng.pick(d.companySizes),
      source: rng.weighted(d.sources),
      tags: rng.sample(d.tagPool, rng.weighted([[0, 4], [1, 4], [2, 2], [3, 1]])),
      tier, keyAccount,
      ownerId: pooled ? null : candidate.id,
      lastInteractionAt: null,
      createdBy: pooled ? admin.id : candidate.id,
      createdAt, updatedAt: createdAt,
    } as Customer;
    customers.push(customer);
    meta.set(customer.id, { city, zh, formerOwner: pooled ? rng.pick(repsOf(team)) : null });
  }
  const owned = customers.filter((c) => c.ownerId);
  const pool = customers.filter((c) => !c.ownerId);
  const customerWeight = (c: Customer) => ({ A: 4, B: 2, C: 1 })[c.tier!] * (c.keyAccount ? 1.5 : 1);
  const userById = new Map(users.map((u) => [u.id, u]));

  // Opportunities with their stage history.
  const opportunities: Opportunity[] = [];
  const stageChanges: StageChange[] = [];
  /** `lastAt`: when the deal reached its current stage (closed, or last moved); earlier moves fall in between. */
  const addOpportunity = (customer: Customer, ownerId: string, createdAt: Date, path: Stage[], lastAt: Date, close: { at: Date; lostReason?: string } | null, extra: Partial<Opportunity>) => {
    // Room for every move before the last one, so the history reads in order.
    const minSpan = (path.length - 1) * 86_400_000;
    if (lastAt.getTime() - createdAt.getTime() < minSpan) createdAt = new Date(lastAt.getTime() - minSpan);
    if (customer.createdAt > createdAt) customer.createdAt = new Date(createdAt.getTime() - rng.int(3, 30) * 86_400_000);
    const stage = path[path.length - 1]!;
    // Stage moves at increasing moments between creation and the last change.
    const moments = [createdAt, ...Array.from({ length: path.length - 1 }, () => between(createdAt, lastAt)).sort((a, b) => a.getTime() - b.getTime())];
    if (path.length > 1) moments[moments.length - 1] = lastAt;
    for (let i = 1; i < moments.length; i++) if (moments[i]! <= moments[i - 1]!) moments[i] = new Date(moments[i - 1]!.getTime() + 60_000);
    const m = meta.get(customer.id)!;
    const product = rng.pick(d.products);
    const kind = rng.pick(d.dealKinds);
    const tierFactor = { A: 2, B: 1, C: 0.5 }[customer.tier!] * (customer.keyAccount ? 1.5 : 1);
    const amount = Math.max(5000, Math.round((rng.logUniform(30_000, 800_000) * tierFactor) / 100) * 100);
    const scored = rng.chance(0.75) || stage === 'won';
    const [lo, hi] = stage === 'won' ? [2, 5] : stage === 'lost' ? [0, 3] : [1, 5];
    const scoreInputs: ScoreInputs = scored ? Object.fromEntries(scoreFactors.filter(() => rng.chance(0.85)).map((f) => [f, rng.int(lo, hi)])) : {};
    const opportunity = {
      id: rng.uuid(), tenantId: tenant.id, customerId: customer.id, ownerId,
      title: m.zh ? `${product.zh}${kind.zh}` : `${product.en} ${kind.en}`,
      amount: `${amount}.00`, currency: 'CNY',
      expectedCloseDate: null, stage, stageChangedAt: moments[moments.length - 1]!,
      probability: defaultStageProbability[stage], scoreInputs, ...computeScore(scoreInputs, 0, defaultScoringSettings),
      nextStep: null, lostReason: close?.lostReason ?? null, closedAt: close?.at ?? null,
      createdAt, updatedAt: moments[moments.length - 1]!,
      ...extra,
    } as Opportunity;
    opportunities.push(opportunity);
    path.forEach((to, i) => stageChanges.push({
      id: rng.uuid(), tenantId: tenant.id, opportunityId: opportunity.id, fromStage: i === 0 ? null : path[i - 1]!, toStage: to,
      changedBy: ownerId, note: to === 'lost' ? close!.lostReason! : null, changedAt: moments[i]!,
    } as StageChange));
  };
  const somePath = (upTo: Stage) => openPath.slice(0, openPath.indexOf(upTo) + 1).filter((s, i) => i === 0 || s === upTo || rng.chance(0.9));

  // Won deals: more in June and December, fewer around the Spring Festival, growing year on year.
  const firstMonth = today.startOf('month').minus({ months: 23 });
  const months = Array.from({ length: 24 }, (_, k) => {
    const month = firstMonth.plus({ months: k });
    const elapsed = k === 23 ? (today.day - 1) / month.daysInMonth! : 1;
    return [k, d.monthSeasonality[month.month - 1]! * (1 + (0.25 * k) / 12) * elapsed] as const;
  }).filter(([, w]) => w > 0);
  for (let i = 0; i < 150; i++) {
    const month = firstMonth.plus({ months: rng.weighted(months) });
    const lastDay = month.hasSame(today, 'month') ? today.day - 1 : month.daysInMonth!;
    const closedAt = past(daysAgoOf(month.set({ day: rng.int(1, lastDay) }).toJSDate()));
    const createdAt = new Date(closedAt.getTime() - rng.int(20, 150) * 86_400_000);
    const customer = rng.weighted(owned.map((c) => [c, customerWeight(c) * skill.get(c.ownerId!)!] as const));
    addOpportunity(customer, customer.ownerId!, createdAt, [...somePath('negotiation'), 'won'], closedAt, { at: closedAt }, { expectedCloseDate: isoDay(new Date(closedAt.getTime() + rng.int(-10, 20) * 86_400_000)) });
  }
  for (let i = 0; i < 90; i++) {
    const closedAt = past(rng.int(1, 730));
    const createdAt = new Date(closedAt.getTime() - rng.int(15, 120) * 86_400_000);
    const onPool = rng.chance(0.15);
    const customer = onPool ? rng.pick(pool) : rng.weighted(owned.map((c) => [c, customerWeight(c)] as const));
    const ownerId = onPool ? meta.get(customer.id)!.formerOwner!.id : customer.ownerId!;
    const lostAt = rng.weighted<Stage>([['initial_contact', 2], ['solution', 3], ['quote', 3], ['negotiation', 2]]);
    const reasons = d.lostReasons[meta.get(customer.id)!.zh ? 'zh' : 'en'];
    addOpportunity(customer, ownerId, createdAt, [...somePath(lostAt), 'lost'], closedAt, { at: closedAt, lostReason: rng.pick(reasons) }, {});
  }
  const openStages = rng.sample([...Array(45).fill('initial_contact'), ...Array(45).fill('solution'), ...Array(40).fill('quote'), ...Array(30).fill('negotiation')] as Stage[], 160);
  for (const stage of openStages) {
    // A deal still at first contact is young; later stages took time to reach.
    const createdAt = past(stage === 'initial_contact' ? rng.int(2, 45) : rng.int(10, 200));
    // One in five has sat in its stage for weeks: something for the stalled-deal nudges to find.
    const stalled = rng.chance(0.2);
    const lastChange = past(Math.min(daysAgoOf(createdAt), stalled ? rng.int(45, 120) : rng.int(1, 30)));
    const customer = rng.weighted(owned.map((c) => [c, customerWeight(c)] as const));
    const lang = meta.get(customer.id)!.zh ? 'zh' : 'en';
    addOpportunity(customer, customer.ownerId!, createdAt, somePath(stage), lastChange > createdAt ? lastChange : createdAt, null, {
      expectedCloseDate: isoDay(rng.chance(0.1) ? today.minus({ days: rng.int(3, 30) }).toJSDate() : today.plus({ days: rng.int(10, 180) }).toJSDate()),
      nextStep: rng.chance(0.7) ? rng.pick(d.nextSteps[lang]) : null,
    });
  }
  const oppsOf = new Map<string, Opportunity[]>();
  for (const o of opportunities) oppsOf.set(o.customerId, [...(oppsOf.get(o.customerId) ?? []), o]);
  const openOppAt = (customerId: string, at: Date) =>
    (oppsOf.get(customerId) ?? []).find((o) => o.createdAt <= at && (o.closedAt ?? new Date(nowMs)) >= at) ?? null;

  // Done interactions: A-tier and key accounts get attention, the pool only had it long ago.
  const interactions: Interaction[] = [];
  const typeWeights = [['visit', 40], ['call', 30], ['email', 15], ['meeting', 15]] as const;
  for (const customer of customers) {
    const m = meta.get(customer.id)!;
    const quiet = customer.ownerId ? rng.chance(0.08) : true;
    const activeTo = new Date(nowMs - (customer.ownerId ? (quiet ? rng.int(60, 150) : 1) : rng.int(100, 400)) * 86_400_000);
    // Two years of history, even for customers (and deals) that are older.
    const activeFrom = new Date(Math.max(customer.createdAt.getTime(), nowMs - 726 * 86_400_000));
    if (activeTo <= activeFrom) continue;
    const perMonth = customer.ownerId ? ({ A: 1.2, B: 0.6, C: 0.25 })[customer.tier!] + (customer.keyAccount ? 0.4 : 0) : 0.3;
    const count = Math.round(perMonth * ((activeTo.getTime() - activeFrom.getTime()) / (30 * 86_400_000)) * (0.7 + rng.next() * 0.6));
    const author = userById.get(customer.ownerId ?? m.formerOwner!.id)!;
    for (let i = 0; i < count; i++) {
      const occurredAt = past(daysAgoOf(between(activeFrom, activeTo)));
      const type: InteractionType = rng.weighted(typeWeights);
      const team = teamOf.get(author.id);
      const user = team && rng.chance(0.05) ? managerOf(team) : author;
      const lang = user.locale === 'zh-CN' ? 'zh' : 'en';
      const contact = customer.contacts[0]?.name ?? '';
      const product = rng.pick(d.products)[lang];
      const nextStep = rng.chance(0.35) ? rng.pick(d.nextSteps[lang]) : null;
      const opp = openOppAt(customer.id, occurredAt);
      interactions.push({
        id: rng.uuid(), tenantId: tenant.id, customerId: customer.id, userId: user.id,
        opportunityId: opp && rng.chance(0.7) ? opp.id : null,
        type, status: 'done',
        scheduledAt: type === 'visit' && rng.chance(0.6) ? occurredAt : null,
        occurredAt,
        place: type === 'visit' || type === 'meeting' ? customer.address : null,
        purpose: type === 'visit' ? rng.pick(d.visitPurposes[lang]) : null,
        outcome: type === 'email' && rng.chance(0.5) ? null : rng.weighted<Outcome>([['met', 55], ['partly', 30], ['not_met', 15]]),
        notes: rng.pick(d.notes[lang][type]).replace('{c}', contact).replace('{p}', product),
        problems: rng.chance(0.15) ? rng.pick(d.problems[lang]) : null,
        nextStep,
        followUpDate: nextStep ? isoDay(new Date(occurredAt.getTime() + rng.int(3, 14) * 86_400_000)) : null,
        cost: type === 'visit' ? `${rng.int(50, 800)}.00` : type === 'meeting' && rng.chance(0.3) ? `${rng.int(200, 2000)}.00` : null,
        createdAt: occurredAt, updatedAt: occurredAt,
      } as Interaction);
    }
  }
  // Planned visits over the next two weeks, and some that were called off.
  const plannable = owned.filter((c) => c.tier !== 'C' || rng.chance(0.3));
  for (const [i, customer] of rng.sample(plannable, 75).entries()) {
    const user = userById.get(customer.ownerId!)!;
    const lang = user.locale === 'zh-CN' ? 'zh' : 'en';
    const cancelled = i >= 50;
    const scheduledAt = cancelled ? past(rng.int(2, 300)) : future(rng.int(1, 14));
    const opp = openOppAt(customer.id, new Date(nowMs));
    interactions.push({
      id: rng.uuid(), tenantId: tenant.id, customerId: customer.id, userId: user.id, opportunityId: !cancelled && opp ? opp.id : null,
      type: rng.chance(0.8) ? 'visit' : 'meeting', status: cancelled ? 'cancelled' : 'planned', scheduledAt, occurredAt: null,
      place: customer.address, purpose: rng.pick(d.visitPurposes[lang]), outcome: null, notes: null, problems: null, nextStep: null,
      followUpDate: null, cost: null, createdAt: new Date(Math.min(nowMs, scheduledAt.getTime()) - rng.int(1, 10) * 86_400_000), updatedAt: new Date(Math.min(nowMs, scheduledAt.getTime())),
    } as Interaction);
  }

  const customerById = new Map(customers.map((c) => [c.id, c]));
  for (const i of interactions) {
    const customer = customerById.get(i.customerId)!;
    if (i.status === 'done' && (!customer.lastInteractionAt || customer.lastInteractionAt < i.occurredAt!)) customer.lastInteractionAt = i.occurredAt;
    if (i.createdAt < customer.createdAt) customer.createdAt = i.createdAt;
  }
  for (const c of customers) c.updatedAt = c.lastInteractionAt && c.lastInteractionAt > c.createdAt ? c.lastInteractionAt : c.createdAt;
  return { tenant, units, users, customers, opportunities, stageChanges, interactions };

  function digits(n: number): string {
    return Array.from({ length: n }, (_, i) => (i === 0 ? rng.int(2, 8) : rng.int(0, 9))).join('');
  }
  function mobile(): string {
    return `1${rng.pick(['38', '39', '58', '86', '88', '36', '50'])}${Array.from({ length: 8 }, () => rng.int(0, 9)).join('')}`;
  }
}
