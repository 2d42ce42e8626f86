export const CART_ABANDONMENT = 'cart_abandonment';

/**
 * The cart_abandonment read model's tables. One row per cart with what abandonment is judged on at read time: whether it holds items
 * (`lines`), their value, its status and its last activity (and that activity's shop day, the
 * bucket). `line_values` keeps each line's price and quantity (line id → [unit price,
 * quantity]), so a change or a removal, which name only the line, can move the value.
 *
 * `cart_abandonment_days` holds the counts per day of last activity the query reads for the
 * days that ended before the idle threshold; the index serves its look at the carts of the
 * last days (open ones holding items, covering what it sums).
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
    create index cart_abandonment_open on ${s}.cart_abandonment (last_day, currency)
      include (value, last_activity) where lines > 0 and status = 'open';
    create table ${s}.cart_abandonment_days (
      last_day date not null,
      currency text not null,
      carts int not null,
      open_carts int not null,
      open_value bigint not null,
      primary key (last_day, currency)
    );`;
