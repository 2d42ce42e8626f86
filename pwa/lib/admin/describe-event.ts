import { Currency } from '@flowdose/domain/money';
import { formatMoney } from '../format';
import type { AuditItem } from './answers';

type Data = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const because = (d: Data) => (str(d.reason) ? `: ${str(d.reason)}` : '');

/** "OrderStepFailed" → "Order step failed": the fallback for a type this page does not word. */
export const spaced = (type: string) =>
  type.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/ ([A-Z])/g, (_, c: string) => ` ${c.toLowerCase()}`);

/**
 * One event as a line a person reads ("Captured €49.99"). Amounts in an order's events are
 * minor units of the order's currency, which only its OrderPlaced names: the caller passes it.
 */
export function describeEvent(item: Pick<AuditItem, 'type' | 'data'>, currency: Currency | null): string {
  const d = (item.data ?? {}) as Data;
  const money = (amount: unknown) =>
    currency ? formatMoney({ amount: num(amount), currency }) : `${num(amount)} (minor units)`;
  switch (item.type) {
    case 'OrderPlaced': {
      const lines = Array.isArray(d.lines) ? (d.lines as { quantity?: number }[]) : [];
      const units = lines.reduce((n, l) => n + num(l.quantity), 0);
      const totals = (d.totals ?? {}) as Data;
      const code = str(d.discountCode) ? ` with code ${str(d.discountCode)}` : '';
      return `Placed: ${units} item${units === 1 ? '' : 's'}, ${money(totals.grandTotal)}${code}`;
    }
    case 'PaymentAuthorized':
      return `Payment of ${money(d.amount)} authorized`;
    case 'OrderStepRequested': {
      const amount = d.amount !== undefined && str(d.step) !== 'fulfil' ? ` ${money(d.amount)}` : '';
      return `Asked to ${str(d.step)}${amount}${because(d)}`;
    }
    case 'PaymentCaptured':
      return `Captured ${money(d.amount)}`;
    case 'OrderFulfilled':
      return 'Fulfilled: the goods left the warehouse';
    case 'OrderShipped':
      return `Shipped, tracking number ${str(d.trackingNumber)}`;
    case 'OrderDelivered':
      return 'Delivered';
    case 'OrderCanceled':
      return `Canceled${because(d)}`;
    case 'OrderRefunded':
      return `Refunded ${money(d.amount)}${because(d)}`;
    case 'OrderStepFailed':
      return `Could not ${str(d.step)}: ${str(d.detail) || str(d.code)}`;
    case 'PaymentVoided':
      return `Payment authorization voided${because(d)}`;
    case 'OrderExpired':
      return `Expired before it was placed${because(d)}`;
    case 'StockReserved':
      return `Held ${num(d.quantity)} × ${str(d.sku)}`;
    case 'ReservationReleased':
      return `Released the hold on ${str(d.sku)}${because(d)}`;
    case 'ReservationCommitted':
      return `Took the held ${str(d.sku)} from stock`;
    case 'DiscountRedeemed':
      return `Used discount ${str(d.code)}`;
    case 'DiscountRedemptionReleased':
      return `Gave back a use of discount ${str(d.code)}${because(d)}`;
    case 'CartCheckedOut':
      return 'Cart checked out and closed';
    case 'CheckoutPaymentRequested':
      return `Checkout: asked the payment provider for ${money(d.amount)}`;
    case 'CheckoutFailing':
      return `Checkout failing: ${str(d.detail) || str(d.code)}`;
    case 'DeadLetterSkipped':
      return `Projection ${str(d.projection)} skipped ${str(d.eventType)} at ${str(d.position)}${because(d)}`;
    default:
      return item.type.startsWith('Checkout')
        ? `Checkout: ${spaced(item.type.slice(8)).toLowerCase()}`
        : spaced(item.type);
  }
}

/** Who asked, as a person reads it: their email when the account has one, else their role. */
export function describeActor(actor: AuditItem['actor']): string {
  if (actor.kind === 'system') return actor.role === 'payment-provider' ? 'the payment provider' : 'the system';
  if (actor.kind === 'guest') return 'a guest';
  return actor.email ?? `${actor.role} ${actor.id?.slice(0, 8) ?? ''}`.trim();
}

/** The currency an order's amounts are in, from whichever event of the list names it. */
export function currencyOf(items: Pick<AuditItem, 'data'>[]): Currency | null {
  for (const item of items) {
    const d = (item.data ?? {}) as Data;
    const plan = (d.plan ?? {}) as Data;
    const named = Currency.safeParse(d.currency ?? (plan.order as Data | undefined)?.currency);
    if (named.success) return named.data;
  }
  return null;
}
