// Listed by reference, not discovered by glob: glob discovery can pick up stale compiled copies.
import { AuditEntry } from './audit/audit-entry.entity';
import { Interaction } from './activities/interaction.entity';
import { Customer } from './customers/customer.entity';
import { TierRule } from './customers/tier-rule.entity';
import { PoolSettings } from './customers/pool-settings.entity';
import { Delivery } from './deliveries/delivery.entity';
import { Opportunity } from './opportunities/opportunity.entity';
import { OrderLine } from './opportunities/order-line.entity';
import { StageChange } from './opportunities/stage-change.entity';
import { OrgUnit } from './org/org-unit.entity';
import { OutboxMessage } from './outbox/outbox-message.entity';
import { User } from './org/user.entity';
import { ReportSubscription } from './report-subscriptions/report-subscription.entity';
import { PriceRule } from './products/price-rule.entity';
import { Product } from './products/product.entity';
import { Quote, QuoteLine } from './quotes/quote.entity';
import { ApiKey } from './signals/api-key.entity';
import { SignalEvent } from './signals/signal-event.entity';
import { SignalMatch } from './signals/signal-match.entity';
import { SignalRule } from './signals/signal-rule.entity';
import { Tenant } from './tenants/tenant.entity';

export const entities = [Tenant, OrgUnit, User, Customer, Interaction, Opportunity, OrderLine, StageChange, AuditEntry, OutboxMessage, Delivery, ReportSubscription, Product, PriceRule, Quote, QuoteLine, ApiKey, SignalEvent, SignalRule, SignalMatch, TierRule, PoolSettings];
