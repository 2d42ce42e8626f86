export const FUNNEL_DAILY = 'funnel_daily';

/** A cart's `stage`: the furthest step it reached (0 is opened). */
export const STAGES = { opened: 0, items: 1, checkout: 2, placed: 3, paid: 4 } as const;

/**
 * The funnel_daily read model's tables.
 * `funnel_carts` is each cart's cohort (the shop day it was opened, its currency), the
 * furthest step it reached and whether it was merged into another cart; `funnel_counts` the
 * carts counted per cohort and step, kept in step with it (what the route reads: a year is a
 * few hundred rows, where counting the carts when read grew with the shop). `funnel_orders`
 * ties an order to its cart: a captured payment names only its order.
 */
export const funnelDailyTables = (s: string) => `
    create table ${s}.funnel_carts (
      cart_id uuid primary key,
      day date,
      currency text,
      stage smallint not null default 0,
      merged boolean not null default false
    );
    create table ${s}.funnel_counts (
      day date not null,
      currency text not null,
      opened int not null,
      items int not null,
      checkouts int not null,
      placed int not null,
      paid int not null,
      primary key (day, currency)
    );
    create table ${s}.funnel_orders (
      order_id uuid primary key,
      cart_id uuid,
      placed boolean not null default false,
      paid boolean not null default false
    );`;
