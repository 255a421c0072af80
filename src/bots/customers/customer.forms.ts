import { z } from 'zod';
import { errorText } from '../../cards/i18n/error-text';
import { clip } from '../../cards/presenters/format';
import type { FormModel } from '../../cards/reply-model';
import { createCustomer } from '../../domain/customers/create-customer';
import { tiers } from '../../domain/customers/customer.entity';
import { done, fieldErrors, type CommandContext } from '../pipeline/context';
import { fieldModel, formFrame, type FieldSpecs } from '../pipeline/form-spec';
import { defineForm } from '../pipeline/handlers';

const fields = {
  name: { type: 'text', max: 200 },
  tier: { type: 'select', options: tiers, optional: true },
  region: { type: 'text', max: 100, optional: true },
  industry: { type: 'text', max: 100, optional: true },
  phone: { type: 'text', max: 50, optional: true },
  email: { type: 'text', max: 254, optional: true },
  address: { type: 'text', max: 1000, optional: true, multiline: true },
  owner: { type: 'select', options: ['me', 'pool'] },
  allowDuplicate: { type: 'select', options: ['yes'], optional: true },
} as const satisfies FieldSpecs;

/** The new-customer form; `tier: false` leaves the tier out (a rep, once tiers are set by rules). */
export function customerForm(ctx: CommandContext, name?: string, opts: { tier?: boolean } = {}): FormModel {
  const { t } = ctx;
  const ownerLabels: Record<string, string> = { me: t('customer.ownerMe'), pool: t('customer.ownerPool') };
  return {
    ...formFrame(t, 'customer.new', 'customer.formTitle'),
    fields: [
      fieldModel('name', fields.name, t('customer.fieldName'), { initial: name }),
      ...(opts.tier === false ? [] : [fieldModel('tier', fields.tier, t('customer.fieldTier'))]),
      fieldModel('region', fields.region, t('customer.fieldRegion')),
      fieldModel('industry', fields.industry, t('customer.fieldIndustry')),
      fieldModel('phone', fields.phone, t('customer.fieldPhone')),
      fieldModel('email', fields.email, t('customer.fieldEmail')),
      fieldModel('address', fields.address, t('customer.fieldAddress')),
      fieldModel('owner', fields.owner, t('customer.fieldOwner'), { initial: 'me', optionLabel: (v) => ownerLabels[v]! }),
      fieldModel('allowDuplicate', fields.allowDuplicate, t('customer.createAnyway'), { optionLabel: () => t('common.yes') }),
    ],
  };
}

export const customerForms = {
  'customer.new': defineForm({
    fields,
    metadata: z.object({}).passthrough().transform(() => ({})),
    async submit(ctx, _meta, v) {
      const { customer } = await createCustomer(ctx.em, ctx.actor, {
        name: v.name ?? '',
        tier: v.tier,
        region: v.region,
        industry: v.industry,
        phone: v.phone,
        email: v.email,
        address: v.address,
        ownerId: v.owner === 'pool' ? null : undefined,
        allowDuplicate: v.allowDuplicate === 'yes',
      });
      return done({ kind: 'card', tone: 'ok', text: ctx.t(customer.ownerId ? 'customer.created' : 'customer.createdPool', { name: customer.name }) });
    },
    // A duplicate is said under the name, with whom to ask when it is another team's.
    onRefusal: async (ctx, _meta, values, err) => {
      if (err.code === 'duplicate') return fieldErrors({ name: clip(errorText(err, ctx.t), 140) });
      // With tier rules a rep's tier would be an override, which only managers and admins set.
      if (err.code === 'forbidden' && err.reason === 'role' && values.tier) return fieldErrors({ tier: ctx.t('tiers.setByRules') });
      return null;
    },
  }),
};
