import { orderDecider } from '@flowdose/domain/order/decider';
import { defineProjection, sql } from '../../projection.ts';
import { shopDay } from '../shop-day.ts';
import { productSalesTables } from './tables.ts';

/**
 * Units, revenue and refunds per shop day, currency and SKU. Revenue is a line's price times
 * its quantity less its discount, before tax and shipping. A refund names no lines, so it is
 * shared among the order's SKUs pro rata to their revenue (by cumulative shares, so the parts
 * are whole minor units that add up to the refund exactly) and counts on the refund's day.
 * A cancel of an unpaid order is not taken off here: sales_daily counts cancels.
 */
export const productSalesProjection = defineProjection({
  name: 'product_sales',
  version: 1,
  events: orderDecider.events,
  handles: ['OrderPlaced', 'OrderRefunded'],
  tables: productSalesTables,
  views: (s) => ({
    product_sales: `select day, currency, sku, units, revenue, refunds from ${s}.product_sales`,
  }),
  apply(event, recorded, s) {
    const day = shopDay(recorded.createdAt);
    if (event.type === 'OrderRefunded') {
      return [
        sql(
          `with l as (
             select sku, currency, revenue, sum(revenue) over (order by sku) as upto, sum(revenue) over () as total,
               row_number() over (order by sku) as n, count(*) over () as lines
             from ${s}.product_sales_lines where order_id = $2)
           insert into ${s}.product_sales as p (day, currency, sku, refunds)
           select $1, currency, sku, case when total > 0
               then ($3::bigint * upto) / total - ($3::bigint * (upto - revenue)) / total
               else ($3::bigint * n) / lines - ($3::bigint * (n - 1)) / lines end
           from l
           on conflict (day, currency, sku) do update set refunds = p.refunds + excluded.refunds`,
          [day, event.data.orderId, event.data.amount],
        ),
      ];
    }
    const { orderId, currency, lines } = event.data;
    // One row per SKU: an order may hold a SKU on two lines.
    const perSku = new Map<string, { units: number; revenue: number }>();
    for (const line of lines) {
      const sum = perSku.get(line.sku) ?? { units: 0, revenue: 0 };
      sum.units += line.quantity;
      sum.revenue += line.quantity * line.unitPrice.amount - line.discount;
      perSku.set(line.sku, sum);
    }
    return [...perSku].flatMap(([sku, { units, revenue }]) => [
      sql(`insert into ${s}.product_sales_lines (order_id, sku, currency, revenue) values ($1, $2, $3, $4)`, [
        orderId,
        sku,
        currency,
        revenue,
      ]),
      sql(
        `insert into ${s}.product_sales as p (day, currency, sku, units, revenue) values ($1, $2, $3, $4, $5)
         on conflict (day, currency, sku) do update set units = p.units + excluded.units,
           revenue = p.revenue + excluded.revenue`,
        [day, currency, sku, units, revenue],
      ),
    ]);
  },
});
