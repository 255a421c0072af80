import { poolSettingsCard } from '../../cards/presenters/pool-card';
import { countPoolDue } from '../../domain/customers/count-pool-due';
import type { PoolTierDays, PoolTierKey } from '../../domain/customers/pool-settings.entity';
import { getPoolSettings, setPoolSettings } from '../../domain/customers/pool-settings';
import { is, type Token } from '../shared/grammar';
import { defineAdminModule } from './admin-module';

export type PoolAdminCommand =
  | { kind: 'show' }
  | { kind: 'return'; days: number | null; tierDays: PoolTierDays }
  | { kind: 'warn'; days: number }
  | { kind: 'claims'; max: number | null }
  | { kind: 'usage' };

const returnWords = ['return', 'returns', '退回', '回收'];
const warnWords = ['warn', 'warning', '提醒', '预警'];
const claimWords = ['claims', 'claim', 'limit', '认领', '上限'];
const offWords = ['off', 'none', 'no', 'never', '关', '关闭', '不限', '永不'];
const noTierWords = ['none', 'no-tier', 'untiered', '-', '无', '未分级'];

/** A whole number as typed (range is the domain's to check, in the reader's language); null when it is not one. */
const whole = (text: string | undefined): number | null => (text && /^\d{1,6}$/.test(text) ? Number(text) : null);
const isOff = (token: Token | undefined) => is(token, offWords);

/** `A=60`, `b:45`, `none=40`, `C=off` (also with full-width `＝` or `：`). */
function tierSetting(token: Token): [PoolTierKey, number | null] | null {
  if (token.quoted) return null;
  const m = /^([^=:＝：]+)[=:＝：](.+)$/.exec(token.text);
  if (!m) return null;
  const name = m[1]!.toLowerCase();
  const key: PoolTierKey | null = ['a', 'b', 'c'].includes(name) ? (name.toUpperCase() as PoolTierKey) : noTierWords.includes(name) ? 'none' : null;
  if (!key) return null;
  if (offWords.includes(m[2]!.toLowerCase())) return [key, null];
  const n = whole(m[2]);
  return n == null ? null : [key, n];
}

/** The grammar, pure: `pool` | `pool return <days> [A=<days> B=… C=… none=…]` | `pool return off` | `pool warn <days>` | `pool claims <n>|off`. */
export function parsePoolAdmin(args: Token[]): PoolAdminCommand {
  const [sub, ...rest] = args;
  if (!sub) return { kind: 'show' };
  if (is(sub, returnWords)) {
    if (rest.length === 1 && isOff(rest[0])) return { kind: 'return', days: null, tierDays: {} };
    const days = whole(rest[0]?.text);
    if (days == null || rest[0]!.quoted) return { kind: 'usage' };
    const tierDays: PoolTierDays = {};
    for (const token of rest.slice(1)) {
      const setting = tierSetting(token);
      if (!setting || setting[0] in tierDays) return { kind: 'usage' };
      tierDays[setting[0]] = setting[1];
    }
    return { kind: 'return', days, tierDays };
  }
  if (is(sub, warnWords)) {
    const days = whole(rest[0]?.text);
    return rest.length === 1 && days != null ? { kind: 'warn', days } : { kind: 'usage' };
  }
  if (is(sub, claimWords)) {
    if (rest.length === 1 && isOff(rest[0])) return { kind: 'claims', max: null };
    const max = whole(rest[0]?.text);
    return rest.length === 1 && max != null ? { kind: 'claims', max } : { kind: 'usage' };
  }
  return { kind: 'usage' };
}

/**
 * `/sfa admin pool …` (`公海`): shows the public-pool rules and how many customers will return in
 * the next 7 days; sets the return period (per tier too), the warning and the claim limit.
 */
export const poolAdmin = defineAdminModule<PoolAdminCommand>({
  verbs: ['pool', '公海'],
  parse: (args) => parsePoolAdmin(args),
  writes: (parsed) => (parsed.kind === 'show' || parsed.kind === 'usage' ? false : 'inline'),
  async run(ctx, parsed) {
    if (parsed.kind === 'usage') return { kind: 'card', tone: 'warn', text: ctx.t('pool.admin.invalid', { example: ctx.t('pool.admin.usage') }) };
    if (parsed.kind === 'return') await setPoolSettings(ctx.em, ctx.actor, { returnDays: parsed.days, tierDays: parsed.tierDays });
    if (parsed.kind === 'warn') await setPoolSettings(ctx.em, ctx.actor, { warnDays: parsed.days });
    if (parsed.kind === 'claims') await setPoolSettings(ctx.em, ctx.actor, { maxClaims: parsed.max });
    const rules = await getPoolSettings(ctx.em, ctx.actor);
    const due = await countPoolDue(ctx.em, ctx.actor, { at: ctx.now, days: 7 });
    return poolSettingsCard(rules, due, { ...ctx, changed: parsed.kind !== 'show' });
  },
});
