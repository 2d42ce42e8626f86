export const DISCOUNT_USAGE = 'discount_usage';

/**
 * The discount_usage read model's tables: `discount_usage` the figures per day, code and
 * currency. A redemption names its code and order but not the currency: `discount_usage_orders`
 * holds each order's currency (from its checkout's plan, or the order) and whether it was
 * placed, `discount_usage_uses` each redemption and release by event (so a replay adds none),
 * `counted` once its order's currency is known and it went into the figures.
 */
export const discountUsageTables = (s: string) => `
    create table ${s}.discount_usage (
      day date not null,
      code text not null,
      currency text not null,
      uses int not null default 0,
      released_uses int not null default 0,
      discount_given bigint not null default 0,
      revenue bigint not null default 0,
      primary key (day, code, currency)
    );
    create index on ${s}.discount_usage (code, day);
    create table ${s}.discount_usage_orders (
      order_id uuid primary key,
      currency text not null,
      placed boolean not null default false
    );
    create table ${s}.discount_usage_uses (
      event_id uuid primary key,
      order_id uuid not null,
      code text not null,
      released boolean not null,
      day date not null,
      counted boolean not null default false
    );
    create index on ${s}.discount_usage_uses (order_id) where not counted;`;
