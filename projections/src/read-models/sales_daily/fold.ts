import { placedFirst } from '../placed-first.ts';

/** What sales_daily needs of an order event; `day` is its shop day. */
export type SalesEvent = { orderId: string; day: string } & (
  | {
      type: 'OrderPlaced';
      currency: string;
      customer: string;
      items: number;
      subtotal: number;
      discount: number;
      shipping: number;
      tax: number;
      grandTotal: number;
    }
  | { type: 'OrderRefunded'; amount: number }
  | { type: 'OrderCanceled' }
);

/** A day's and currency's orders, summed as the sales_daily row holds them. */
type PlacedSums = { day: string; currency: string } & Record<
  'orders' | 'items' | 'subtotal' | 'discounts' | 'shipping' | 'tax' | 'gross',
  number
>;

/** A refund or cancel, with what the chunk refunded of its order before it. */
type FollowUp = { orderId: string; day: string; refund: number; cancel: boolean; refundedBefore: number };

/**
 * A chunk of order events folded as applying them one by one would act: the orders placed
 * (to remember), their sums per day and currency, each refund and cancel in order (a cancel
 * takes off what was not refunded: what the store had, less the chunk's own refunds before
 * it), the refunds per order (to remember), each customer's first order in the chunk and the
 * days and currencies each customer ordered in.
 */
export function foldSales(events: readonly SalesEvent[]) {
  const orders: { orderId: string; currency: string; grandTotal: number }[] = [];
  const sums = new Map<string, PlacedSums>();
  const followUps: FollowUp[] = [];
  const refunded = new Map<string, number>();
  const firstOrders = new Map<string, { day: string; currency: string }>();
  const customerDays = new Map<string, { customer: string; day: string; currency: string }>();
  for (const e of placedFirst(events)) {
    switch (e.type) {
      case 'OrderPlaced': {
        const { orderId, day, currency, customer } = e;
        orders.push({ orderId, currency, grandTotal: e.grandTotal });
        const key = `${day} ${currency}`;
        let sum = sums.get(key);
        if (!sum) {
          sum = { day, currency, orders: 0, items: 0, subtotal: 0, discounts: 0, shipping: 0, tax: 0, gross: 0 };
          sums.set(key, sum);
        }
        // The chunk's own accumulator, changed in place: a million orders made a million copies.
        sum.orders += 1;
        sum.items += e.items;
        sum.subtotal += e.subtotal;
        sum.discounts += e.discount;
        sum.shipping += e.shipping;
        sum.tax += e.tax;
        sum.gross += e.grandTotal;
        if (!firstOrders.has(customer)) firstOrders.set(customer, { day, currency });
        customerDays.set(`${customer} ${day} ${currency}`, { customer, day, currency });
        break;
      }
      case 'OrderRefunded':
      case 'OrderCanceled': {
        const before = refunded.get(e.orderId) ?? 0;
        const refund = e.type === 'OrderRefunded' ? e.amount : 0;
        followUps.push({
          orderId: e.orderId,
          day: e.day,
          refund,
          cancel: e.type === 'OrderCanceled',
          refundedBefore: before,
        });
        if (refund > 0) refunded.set(e.orderId, before + refund);
        break;
      }
      default: {
        const _exhaustive: never = e;
      }
    }
  }
  return {
    orders,
    sums: [...sums.values()],
    followUps,
    refunded,
    firstOrders,
    customerDays: [...customerDays.values()],
  };
}
