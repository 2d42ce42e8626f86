/**
 * The funnel_daily read model's tables; `queries.ts` reads them through these row types.
 * `funnel_carts` is each cart's cohort (the shop day it was opened, its currency) and the
 * furthest step it reached; `funnel_orders` ties an order to its cart (a captured payment
 * names only its order). `funnel_daily` holds the counts per cohort, kept in step with them.
 */
export const funnelDailyTables = (s: string) => `
    create table ${s}.funnel_daily (
      day date not null,
      currency text not null,
      carts_opened int not null default 0,
      carts_with_items int not null default 0,
      checkouts_started int not null default 0,
      orders_placed int not null default 0,
      orders_paid int not null default 0,
      primary key (day, currency)
    );
    create table ${s}.funnel_carts (
      cart_id uuid primary key,
      day date,
      currency text,
      stage smallint not null default 0,
      merged boolean not null default false
    );
    create table ${s}.funnel_orders (
      order_id uuid primary key,
      cart_id uuid,
      placed boolean not null default false,
      paid boolean not null default false
    );`;

export type FunnelDailyRow = {
  day: string;
  currency: string;
  carts_opened: number;
  carts_with_items: number;
  checkouts_started: number;
  orders_placed: number;
  orders_paid: number;
};
