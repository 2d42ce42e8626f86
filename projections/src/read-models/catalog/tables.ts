import type { ImageRef } from '@flowdose/domain/product/events';

export const CATALOG = 'catalog';

/**
 * The catalog read model's tables: products, their variants and each variant's prices, and
 * `product_prices`, each product's lowest price per currency, which lists sort and filter by.
 * `queries.ts` and `sku-products.ts` read them, through these row types where whole columns are read.
 */
export const catalogTables = (s: string) => `
    create table ${s}.products (
      product_id uuid primary key,
      handle text not null unique,
      title text not null,
      description text not null,
      category text not null,
      tags text[] not null,
      options jsonb not null,
      images jsonb not null default '[]',
      status text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      created_position bigint not null
    );
    create index on ${s}.products (status, category);
    create index on ${s}.products using gin (tags);
    create table ${s}.variants (
      sku text primary key,
      product_id uuid not null references ${s}.products (product_id) on delete cascade,
      option_values jsonb not null,
      weight_grams int not null,
      added_position bigint not null
    );
    create index on ${s}.variants (product_id);
    create table ${s}.variant_prices (
      sku text not null references ${s}.variants (sku) on delete cascade,
      currency text not null,
      amount bigint not null,
      primary key (sku, currency)
    );
    create table ${s}.product_prices (
      product_id uuid not null references ${s}.products (product_id) on delete cascade,
      currency text not null,
      amount bigint not null,
      primary key (product_id, currency)
    );
    create index on ${s}.product_prices (currency, amount);`;

export type ProductRow = {
  product_id: string;
  handle: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  options: { name: string; values: string[] }[];
  images: ImageRef[];
  status: 'draft' | 'published' | 'archived';
  created_at: Date;
  updated_at: Date;
  created_position: bigint;
};

export type VariantRow = {
  sku: string;
  product_id: string;
  option_values: Record<string, string>;
  weight_grams: number;
  added_position: bigint;
};
