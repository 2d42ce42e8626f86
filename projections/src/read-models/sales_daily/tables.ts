export const SALES_DAILY = 'sales_daily';

/**
 * The sales_daily read model's tables: `sales_daily` the figures per day and currency.
 * `sales_orders` is what a later event of an order needs to know of it (its currency, its
 * total, what was refunded): refunds and cancels land on their own day, not the order's.
 * `sales_customers` remembers each customer's first order (day and currency), and
 * `sales_customer_days` the days and currencies they ordered in, so each counts once there.
 */
export const salesDailyTables = (s: string) => `
    create table ${s}.sales_daily (
      day date not null,
      currency text not null,
      orders int not null default 0,
      items int not null default 0,
      subtotal bigint not null default 0,
      discounts bigint not null default 0,
      shipping bigint not null default 0,
      tax bigint not null default 0,
      gross bigint not null default 0,
      refunds bigint not null default 0,
      canceled_orders int not null default 0,
      canceled bigint not null default 0,
      new_customers int not null default 0,
      returning_customers int not null default 0,
      primary key (day, currency)
    );
    create table ${s}.sales_orders (
      order_id uuid primary key,
      currency text not null,
      grand_total bigint not null,
      refunded bigint not null default 0
    );
    create table ${s}.sales_customers (
      customer text primary key,
      first_day date not null,
      first_currency text not null
    );
    create table ${s}.sales_customer_days (
      customer text not null,
      day date not null,
      currency text not null,
      primary key (customer, day, currency)
    );`;
