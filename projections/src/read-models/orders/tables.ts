/** The orders read model's tables; `queries.ts` reads them through these row types. */
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

/** One entry of `orders.history`, as the projection appends it. */
export type OrderHistoryEntry = { status: string; at: string; amount?: number };

export type OrderRow = {
  order_id: string;
  cart_id: string;
  customer_id: string | null;
  email: string;
  currency: string;
  status: string;
  lines: unknown[];
  totals: Record<string, number>;
  shipping_address: Record<string, string>;
  shipping_method: string;
  tracking_number: string | null;
  discount_code: string | null;
  captured: bigint;
  refunded: bigint;
  history: OrderHistoryEntry[];
  placed_at: Date;
  updated_at: Date;
};
