import type { OrderPlacedData } from '@flowdose/domain/order/events';
import type { OrderStatus } from '@flowdose/domain/order/lifecycle';

export const ORDERS = 'orders';

/**
 * The orders read model's table: an order as placed, with its status, payment amounts and
 * history. `queries.ts` selects its columns as these row types, which `viewOf` checks against
 * the contract's answers.
 */
export const ordersTables = (s: string) => `
    create table ${s}.orders (
      order_id uuid primary key,
      cart_id uuid not null,
      customer_id uuid,
      email text not null,
      currency text not null,
      status text not null,
      lines jsonb not null,
      totals jsonb not null,
      shipping_address jsonb not null,
      shipping_method text not null,
      tracking_number text,
      discount_code text,
      captured bigint not null default 0,
      refunded bigint not null default 0,
      history jsonb not null,
      placed_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index on ${s}.orders (customer_id, placed_at desc);
    create index on ${s}.orders (status, placed_at desc);
    create index on ${s}.orders (placed_at desc, order_id desc);
    create index on ${s}.orders (lower(email), placed_at desc);`;

/**
 * The analysts' views of orders and their lines. Who bought is `customer_id` (null for a
 * guest), enough to count repeat customers and to join the customer's own orders; the e-mail,
 * the shipping address but its country and the tracking number (a carrier shows the address
 * for it) stay out: analysts need no way to reach or locate a person, and a guest's e-mail
 * would be the only one kept. `cart_id` stays in (it is no credential: a guest's cart token
 * is signed with a secret), so a funnel can be followed from cart to order. Amounts are
 * integer minor units of `currency`; a line's `revenue` is its price times its quantity less
 * its discount, before tax, as product_sales counts it.
 */
export const ordersViews = (s: string) => ({
  orders: `select order_id, cart_id, customer_id, currency, status,
      (totals->>'subtotal')::bigint as subtotal, (totals->>'discount')::bigint as discount,
      (totals->>'shipping')::bigint as shipping, (totals->>'tax')::bigint as tax,
      (totals->>'grandTotal')::bigint as grand_total,
      jsonb_array_length(lines) as lines,
      (select sum((l->>'quantity')::int) from jsonb_array_elements(lines) l)::int as items,
      captured, refunded, shipping_method, shipping_address->>'country' as shipping_country, discount_code,
      history, placed_at, updated_at
    from ${s}.orders`,
  order_lines: `select o.order_id, (l.line->>'lineId')::uuid as line_id, l.n::int as line_number,
      l.line->>'sku' as sku, (l.line->>'quantity')::int as quantity,
      (l.line#>>'{unitPrice,amount}')::bigint as unit_price, l.line#>>'{unitPrice,currency}' as currency,
      (l.line->>'discount')::bigint as discount, (l.line->>'tax')::bigint as tax,
      (l.line->>'quantity')::bigint * (l.line#>>'{unitPrice,amount}')::bigint - (l.line->>'discount')::bigint as revenue,
      o.status, o.placed_at
    from ${s}.orders o cross join lateral jsonb_array_elements(o.lines) with ordinality as l(line, n)`,
});

/** One entry of `orders.history`, as the projection appends it. */
export type OrderHistoryEntry = { status: string; at: string; amount?: number };

export type OrderRow = {
  order_id: string;
  cart_id: string;
  customer_id: string | null;
  email: string;
  currency: OrderPlacedData['currency'];
  status: OrderStatus;
  lines: OrderPlacedData['lines'];
  totals: OrderPlacedData['totals'];
  shipping_address: OrderPlacedData['shippingAddress'];
  shipping_method: string;
  tracking_number: string | null;
  discount_code: string | null;
  captured: bigint;
  refunded: bigint;
  history: OrderHistoryEntry[];
  placed_at: Date;
  updated_at: Date;
};
