import { placedFirst } from '../placed-first.ts';

/** What product_sales needs of an order event; `day` is its shop day. */
export type ProductSalesEvent = { orderId: string; day: string } & (
  | {
      type: 'OrderPlaced';
      currency: string;
      lines: readonly { sku: string; quantity: number; unitPrice: { amount: number }; discount: number }[];
    }
  | { type: 'OrderRefunded'; amount: number }
);

/**
 * A chunk of order events folded as applying them one by one would act: each order's revenue
 * per SKU (an order may hold a SKU on two lines: one row), units and revenue per day,
 * currency and SKU, and the refunds to share among their orders' SKUs (not those before
 * their own order in the chunk: one at a time, they found no lines).
 */
export function foldProductSales(events: readonly ProductSalesEvent[]) {
  const orderLines: { orderId: string; sku: string; currency: string; revenue: number }[] = [];
  const sums = new Map<string, { day: string; currency: string; sku: string; units: number; revenue: number }>();
  const refunds: { orderId: string; day: string; amount: number }[] = [];
  for (const e of placedFirst(events)) {
    if (e.type === 'OrderRefunded') {
      refunds.push({ orderId: e.orderId, day: e.day, amount: e.amount });
      continue;
    }
    // The chunk's own accumulators, changed in place (a copy per line was most of the fold's time).
    const perSku = new Map<string, { units: number; revenue: number }>();
    for (const line of e.lines) {
      const revenue = line.quantity * line.unitPrice.amount - line.discount;
      const sum = perSku.get(line.sku);
      if (sum) {
        sum.units += line.quantity;
        sum.revenue += revenue;
      } else perSku.set(line.sku, { units: line.quantity, revenue });
    }
    for (const [sku, { units, revenue }] of perSku) {
      orderLines.push({ orderId: e.orderId, sku, currency: e.currency, revenue });
      const key = `${e.day} ${e.currency} ${sku}`;
      const sum = sums.get(key);
      if (sum) {
        sum.units += units;
        sum.revenue += revenue;
      } else sums.set(key, { day: e.day, currency: e.currency, sku, units, revenue });
    }
  }
  return { orderLines, sums: [...sums.values()], refunds };
}
