import { claimCustomer } from '../../domain/customers/claim-customer';
import { createCustomer } from '../../domain/customers/create-customer';
import { getCustomerName } from '../../domain/customers/get-customer-name';
import { releaseCustomer } from '../../domain/customers/release-customer';
import type { DomainError } from '../../domain/shared/domain-error';
import { card, type CommandContext, type CommandResult } from '../pipeline/context';
import { defineAction } from '../pipeline/handlers';
import { id, page } from '../pipeline/values';
import { poolList } from './customer.command';
import { duplicateReply } from './duplicate-reply';
import { createValue, pickValue, type Intent } from './intent';
import { runIntent } from './run-intent';

type CreateRequest = { name: string; intent: Intent; force: boolean };

/** Creates the customer typed in a command, then does what the command asked for with it. */
async function createThen(ctx: CommandContext, request: CreateRequest): Promise<CommandResult> {
  const { customer } = await createCustomer(ctx.em, ctx.actor, { name: request.name, allowDuplicate: request.force });
  return runIntent(ctx, customer, request.intent);
}

/** A customer like it exists: offer those the person may see. */
const onDuplicate = async (ctx: CommandContext, request: CreateRequest, err: DomainError) => (err.code === 'duplicate' ? duplicateReply(ctx, err, request.name, request.intent) : null);

export const customerActions = {
  'customer.open': defineAction({ value: id, effect: 'read', run: async (ctx, customerId) => runIntent(ctx, await getCustomerName(ctx.em, ctx.actor, customerId), { do: 'show' }) }),
  'customer.pick': defineAction({ value: pickValue, effect: 'write', run: async (ctx, pick) => runIntent(ctx, await getCustomerName(ctx.em, ctx.actor, pick.customerId), pick.intent) }),
  'customer.create': defineAction({ value: createValue, effect: 'write', run: createThen, onRefusal: onDuplicate }),
  'customer.create_anyway': defineAction({ value: createValue, effect: 'write', run: (ctx, request) => createThen(ctx, { ...request, force: true }), onRefusal: onDuplicate }),
  'customer.claim': defineAction({
    value: id,
    effect: 'write',
    async run(ctx, customerId) {
      const customer = await claimCustomer(ctx.em, ctx.actor, customerId);
      return card({ kind: 'card', tone: 'ok', text: ctx.t('customer.claimed', { name: customer.name }), buttons: [{ label: ctx.t('customer.planVisit'), action: 'visit.plan_for', value: customer.id }] });
    },
  }),
  'customer.release': defineAction({
    value: id,
    effect: 'write',
    async run(ctx, customerId) {
      const customer = await releaseCustomer(ctx.em, ctx.actor, customerId);
      return card({ kind: 'card', tone: 'ok', text: ctx.t('customer.released', { name: customer.name }) }, true);
    },
  }),
  'customer.pool_page': defineAction({ value: page, effect: 'read', run: (ctx, p) => poolList(ctx, p, true) }),
};
