/**
 * The cart_abandonment read model's tables; `queries.ts` reads them through these row types.
 * One row per cart with what abandonment is judged on at read time: whether it holds items
 * (`lines`), their value, its status and its last activity (and that activity's shop day,
 * the bucket). `cart_abandonment_lines` keeps each line's price and quantity, so a change or
 * a removal can recompute the value.
 *
 * The index serves the one read there is, a range of days (a year, by day) over every cart:
 * partial on the carts that can count at all (holding items, not merged) and covering what
 * the read sums, so Postgres answers it from the index alone.
 */
export const cartAbandonmentTables = (s: string) => `
    create table ${s}.cart_abandonment (
      cart_id uuid primary key,
      currency text not null,
      status text not null default 'open',
      lines int not null default 0,
      value bigint not null default 0,
      last_activity timestamptz not null,
      last_day date not null
    );
    create index cart_abandonment_by_day on ${s}.cart_abandonment (last_day, currency)
      include (status, value, last_activity) where lines > 0 and status <> 'merged';
    create table ${s}.cart_abandonment_lines (
      cart_id uuid not null,
      line_id uuid not null,
      unit_price bigint not null,
      quantity int not null,
      primary key (cart_id, line_id)
    );`;

export type CartAbandonmentRow = {
  cart_id: string;
  currency: string;
  status: 'open' | 'checked_out' | 'merged';
  lines: number;
  value: bigint;
  last_activity: Date;
  last_day: string;
};
