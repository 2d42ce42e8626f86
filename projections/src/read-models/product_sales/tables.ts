export const PRODUCT_SALES = 'product_sales';

/**
 * The product_sales read model's tables: `product_sales` the figures per day, currency and
 * SKU. `product_sales_months` holds the same figures per month, so a range of whole months is
 * read from a row per SKU and month instead of one per day (a year by day of a big shop is
 * hundreds of thousands of rows to sum). `product_sales_lines` keeps each order's revenue
 * per SKU, so a refund (which names no lines) can be shared among them.
 */
export const productSalesTables = (s: string) => `
    create table ${s}.product_sales (
      day date not null,
      currency text not null,
      sku text not null,
      units int not null default 0,
      revenue bigint not null default 0,
      refunds bigint not null default 0,
      primary key (day, currency, sku)
    );
    create index on ${s}.product_sales (currency, day);
    create table ${s}.product_sales_months (
      month date not null,
      currency text not null,
      sku text not null,
      units int not null,
      revenue bigint not null,
      refunds bigint not null,
      primary key (month, currency, sku)
    );
    create table ${s}.product_sales_lines (
      order_id uuid not null,
      sku text not null,
      currency text not null,
      revenue bigint not null,
      primary key (order_id, sku)
    );`;
