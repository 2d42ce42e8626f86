import { orderDecider } from '@flowdose/domain/order/decider';
import { defineChunkProjection, source, sql } from '../../projection.ts';
import { columns } from '../columns.ts';
import type { ShopDay } from '../shop-day.ts';
import { foldProductSales, type ProductSalesEvent } from './fold.ts';
import { PRODUCT_SALES, productSalesTables } from './tables.ts';

/**
 * Units, revenue and refunds per shop day, currency and SKU. Revenue is a line's price times
 * its quantity less its discount, before tax and shipping. A refund names no lines, so it is
 * shared among the order's SKUs pro rata to their revenue (by cumulative shares, so the parts
 * are whole minor units that add up to the refund exactly) and counts on the refund's day.
 * A cancel of an unpaid order is not taken off here: sales_daily counts cancels. The same
 * figures are summed per month too (product_sales_months), for ranges of whole months. A
 * chunk is folded first and sent as arrays: two statements, not two per SKU of each order.
 */
export const productSalesProjection = (shopDay: ShopDay) =>
  defineChunkProjection({
    name: PRODUCT_SALES,
    version: 2, // 2: product_sales_months; applied a chunk at a time
    sources: [source(orderDecider.events, ['OrderPlaced', 'OrderRefunded'])],
    tables: productSalesTables,
    views: (s) => ({
      product_sales: `select day, currency, sku, units, revenue, refunds from ${s}.product_sales`,
    }),
    applyChunk(events, s) {
      const { orderLines, sums, refunds } = foldProductSales(
        events.map(({ event, recorded }): ProductSalesEvent => {
          const day = shopDay(recorded.createdAt);
          if (event.type === 'OrderRefunded') {
            const { orderId, amount } = event.data;
            return { type: event.type, orderId, day, amount };
          }
          const { orderId, currency, lines } = event.data;
          return { type: event.type, orderId, day, currency, lines };
        }),
      );
      return [
        sql(
          `insert into ${s}.product_sales_lines (order_id, sku, currency, revenue)
         select * from unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[])`,
          columns(orderLines, ['orderId', 'sku', 'currency', 'revenue']),
        ),
        // Each refund (k: its place in the chunk) shared among its order's SKUs by cumulative
        // shares of their revenue, so the parts are whole minor units that add up to it: each
        // part rounded on its own, as when each refund was a statement of its own.
        sql(
          `with l as (
           select r.day, l.currency, l.sku, l.revenue, r.amount,
             sum(l.revenue) over (partition by r.k order by l.sku) as upto, sum(l.revenue) over (partition by r.k) as total,
             row_number() over (partition by r.k order by l.sku) as n, count(*) over (partition by r.k) as lines
           from unnest($6::uuid[], $7::date[], $8::bigint[]) with ordinality as r(order_id, day, amount, k)
           join ${s}.product_sales_lines l using (order_id)),
         rows as (
           select day, currency, sku, units, revenue, 0::bigint as refunds
           from unnest($1::date[], $2::text[], $3::text[], $4::int[], $5::bigint[]) as p(day, currency, sku, units, revenue)
           union all
           select day, currency, sku, 0, 0, (case when total > 0
               then (amount * upto) / total - (amount * (upto - revenue)) / total
               else (amount * n) / lines - (amount * (n - 1)) / lines end)::bigint
           from l),
         days as (
           insert into ${s}.product_sales as p (day, currency, sku, units, revenue, refunds)
           select day, currency, sku, sum(units), sum(revenue), sum(refunds) from rows group by day, currency, sku
           on conflict (day, currency, sku) do update set units = p.units + excluded.units,
             revenue = p.revenue + excluded.revenue, refunds = p.refunds + excluded.refunds)
         insert into ${s}.product_sales_months as m (month, currency, sku, units, revenue, refunds)
         select date_trunc('month', day)::date, currency, sku, sum(units), sum(revenue), sum(refunds)
         from rows group by 1, currency, sku
         on conflict (month, currency, sku) do update set units = m.units + excluded.units,
           revenue = m.revenue + excluded.revenue, refunds = m.refunds + excluded.refunds`,
          [
            ...columns(sums, ['day', 'currency', 'sku', 'units', 'revenue']),
            ...columns(refunds, ['orderId', 'day', 'amount']),
          ],
        ),
      ];
    },
  });
