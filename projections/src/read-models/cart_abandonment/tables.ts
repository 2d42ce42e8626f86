/**
 * The cart_abandonment read model's table; `queries.ts` reads it through this row type. One
 * row per cart with what abandonment is judged on at read time: whether it holds items
 * (`lines`), their value, its status and its last activity (and that activity's shop day, the
 * bucket). `line_values` keeps each line's price and quantity (line id → [unit price,
 * quantity]), so a change or a removal, which name only the line, can move the value: in the
 * row itself, so each event is one update of one row.
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
      line_values jsonb not null default '{}',
      last_activity timestamptz not null,
      last_day date not null
    );
    create index cart_abandonment_by_day on ${s}.cart_abandonment (last_day, currency)
      include (status, value, last_activity) where lines > 0 and status <> 'merged';`;

export type CartAbandonmentRow = {
  cart_id: string;
  currency: string;
  status: 'open' | 'checked_out' | 'merged';
  lines: number;
  value: bigint;
  line_values: Record<string, [number, number]>;
  last_activity: Date;
  last_day: string;
};
