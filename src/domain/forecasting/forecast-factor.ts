/** Which forecasts a market factor moves: all of them, or one region, product (SKU) or category. */
export const factorScopes = ['all', 'region', 'product', 'category'] as const;
export type FactorScope = (typeof factorScopes)[number];

/** An admin's dated adjustment of the statistical forecast, in percent. */
export type ForecastFactor = {
  id: string;
  scope: FactorScope;
  /** The region, SKU or category named ('' for all). */
  scopeValue: string;
  /** Signed percent, exact ("10.00", "-5.50"). */
  percent: string;
  /** First month it applies to, YYYY-MM. */
  fromMonth: string;
  /** Last month it applies to (inclusive), or null: from then on. */
  untilMonth: string | null;
  note: string;
  createdBy: string | null;
};

export type FactorRow = { id: string; scope: FactorScope; scope_value: string; percent: string; from_month: string; until_month: string | null; note: string; created_by: string | null };

export const toFactor = (r: FactorRow): ForecastFactor => ({
  id: r.id,
  scope: r.scope,
  scopeValue: r.scope_value,
  percent: r.percent,
  fromMonth: String(r.from_month).slice(0, 7),
  untilMonth: r.until_month ? String(r.until_month).slice(0, 7) : null,
  note: r.note,
  createdBy: r.created_by,
});

export const factorColumns = `id, scope, scope_value, percent::text as percent, to_char(from_month, 'YYYY-MM') as from_month, to_char(until_month, 'YYYY-MM') as until_month, note, created_by`;
