import { createCustomer } from '../../domain/customers/create-customer';
import { listPoolCustomers } from '../../domain/customers/list-pool-customers';
import { tiers, type Tier } from '../../domain/customers/customer.entity';
import { searchCustomers } from '../../domain/customers/search-customers';
import { isDomainError } from '../../domain/shared/domain-error';
import { card, form, type CommandContext, type CommandResult, type FormResult } from './command-context';
import { parseCustomerCommand } from './command-grammar';
import { afterMatch } from './customer-flow';
import { clip } from '../../cards/presenters/format';
import type { FormModel } from '../../cards/reply-model';
import { resolveCustomerQuery } from './resolve-customer';
import { formErrors, str, type FormValues } from './visit.forms';

export async function customerCommand(ctx: CommandContext, text: string): Promise<CommandResult> {
  const parsed = parseCustomerCommand(text);
  switch (parsed.kind) {
    case 'help':
      return card({ kind: 'card', text: ctx.t('help.customer') });
    case 'form':
      return form(customerForm(ctx));
    case 'pool':
      return poolList(ctx, parsed.page ?? 1);
    case 'show':
      return afterMatch(ctx, await resolveCustomerQuery(ctx, parsed.query), { do: 'show' });
  }
}

const poolPageSize = 8;

export async function poolList(ctx: CommandContext, page: number, replaceOriginal = false): Promise<CommandResult> {
  const { t } = ctx;
  const current = Math.max(1, page);
  const result = await listPoolCustomers(ctx.em, ctx.actor, { offset: (current - 1) * poolPageSize, limit: poolPageSize });
  if (result.total === 0) return card({ kind: 'card', text: t('customer.poolEmpty') }, replaceOriginal);
  const pages = Math.ceil(result.total / poolPageSize);
  return card(
    {
      kind: 'card',
      header: t('customer.poolHeader'),
      sections: result.items.map((c) => ({
        lines: [`*${clip(c.name, 80)}*${c.tier ? ` · ${c.tier}` : ''}${c.keyAccount ? ' · ⭐' : ''}${c.region ? ` · ${clip(c.region, 30)}` : ''}${c.industry ? ` · ${clip(c.industry, 30)}` : ''}`],
        buttons: [
          { label: t('customer.claim'), action: 'customer.claim', value: c.id, style: 'primary' },
          { label: t('customer.details'), action: 'customer.open', value: c.id },
        ],
      })),
      pager: {
        label: t('common.page', { page: current, pages }),
        previous: current > 1 ? { label: t('common.previous'), action: 'customer.pool_page', value: String(current - 1) } : undefined,
        next: current < pages ? { label: t('common.next'), action: 'customer.pool_page', value: String(current + 1) } : undefined,
      },
    },
    replaceOriginal,
  );
}

export function customerForm(ctx: CommandContext, name?: string): FormModel {
  const { t } = ctx;
  return {
    kind: 'form',
    formId: 'customer.new',
    title: t('customer.formTitle'),
    submit: t('common.save'),
    close: t('common.cancel'),
    fields: [
      { id: 'name', label: t('customer.fieldName'), type: 'text', initial: name, maxLength: 200 },
      { id: 'tier', label: t('customer.fieldTier'), type: 'select', optional: true, options: tiers.map((v) => ({ label: v, value: v })) },
      { id: 'region', label: t('customer.fieldRegion'), type: 'text', optional: true, maxLength: 100 },
      { id: 'industry', label: t('customer.fieldIndustry'), type: 'text', optional: true, maxLength: 100 },
      { id: 'phone', label: t('customer.fieldPhone'), type: 'text', optional: true, maxLength: 50 },
      { id: 'email', label: t('customer.fieldEmail'), type: 'text', optional: true, maxLength: 254 },
      { id: 'address', label: t('customer.fieldAddress'), type: 'text', optional: true, multiline: true, maxLength: 1000 },
      {
        id: 'owner',
        label: t('customer.fieldOwner'),
        type: 'select',
        initial: 'me',
        options: [
          { label: t('customer.ownerMe'), value: 'me' },
          { label: t('customer.ownerPool'), value: 'pool' },
        ],
      },
      { id: 'allowDuplicate', label: t('customer.createAnyway'), type: 'select', optional: true, options: [{ label: t('common.yes'), value: 'yes' }] },
    ],
  };
}

export async function submitCustomerForm(ctx: CommandContext, f: FormModel, values: FormValues): Promise<FormResult> {
  const { t } = ctx;
  const s = (k: string) => str(values[k]);
  try {
    const { customer } = await createCustomer(ctx.em, ctx.actor, {
      name: s('name') ?? '',
      tier: s('tier') as Tier | null,
      region: s('region'),
      industry: s('industry'),
      phone: s('phone'),
      email: s('email'),
      address: s('address'),
      ownerId: s('owner') === 'pool' ? null : undefined,
      allowDuplicate: s('allowDuplicate') === 'yes',
    });
    return { type: 'done', card: { kind: 'card', tone: 'ok', text: t(customer.ownerId ? 'customer.created' : 'customer.createdPool', { name: customer.name }) } };
  } catch (err) {
    if (isDomainError(err) && err.code === 'duplicate') {
      const names = ((err.details.candidates as Array<{ name: string }> | undefined) ?? []).map((c) => c.name).join(', ');
      return { type: 'errors', errors: { name: clip(t('customer.duplicate', { name: s('name'), names }), 140) } };
    }
    return formErrors(err, ctx, f);
  }
}

/** Typeahead for customer pickers: what the user may see, best matches first. */
export async function suggestCustomers(ctx: CommandContext, query: string): Promise<Array<{ label: string; value: string }>> {
  if (!query.trim()) return [];
  const customers = await searchCustomers(ctx.em, ctx.actor, query, 20);
  return customers.map((c) => ({ label: clip(`${c.name}${c.ownerId ? '' : ` (${ctx.t('common.pool')})`}`, 75), value: c.id }));
}
