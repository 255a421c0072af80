import { clip, formatMoney } from '../../cards/presenters/format';
import { searchProducts } from '../../domain/products/search-products';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';

/** `/product <name or SKU>`: the best match's card, the next few named below it. */
export async function productCommand(ctx: CommandContext, text: string): Promise<CommandResult> {
  const { t, user } = ctx;
  const query = text.trim();
  if (!query || ['help', '帮助', '?', '？'].includes(query.toLowerCase())) return card({ kind: 'card', text: t('help.product') });
  const products = await searchProducts(ctx.em, ctx.actor, query.slice(0, 200), 5);
  if (products.length === 0) return card({ kind: 'card', tone: 'warn', text: t('product.notFound', { query: clip(query, 60) }) });
  const [first, ...others] = products;
  return card({
    kind: 'card',
    header: `${clip(first!.name, 100)} · ${first!.sku}`,
    text: first!.description ? clip(first!.description, 600) : undefined,
    fields: [
      { label: t('product.listPrice'), value: formatMoney(first!.listPrice, first!.currency, user.locale) },
      ...(first!.specs ? [{ label: t('product.specs'), value: clip(first!.specs, 300) }] : []),
      ...(first!.features ? [{ label: t('product.features'), value: clip(first!.features, 300) }] : []),
      ...(first!.useCases ? [{ label: t('product.useCases'), value: clip(first!.useCases, 300) }] : []),
    ],
    context: others.length ? [others.map((p) => `${clip(p.name, 40)} (${p.sku}) ${formatMoney(p.listPrice, p.currency, user.locale)}`).join(' · ')] : undefined,
  });
}
