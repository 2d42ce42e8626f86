import { searchDocumentsTable } from '@flowdose/shared/search/postgres';

/**
 * The search read model's tables: what it keeps of the catalog and the stock to build each
 * product's document (a projection never reads another one's tables), and the documents the
 * PostgreSQL backend searches. With Meilisearch the documents table stays empty.
 */
export const searchTables = (s: string) => `
    create table ${s}.products (
      product_id uuid primary key,
      handle text not null,
      title text not null,
      description text not null,
      category text not null,
      status text not null,
      images jsonb not null default '[]',
      created_at bigint not null
    );
    create table ${s}.variants (
      sku text primary key,
      product_id uuid not null,
      option_values jsonb not null,
      prices jsonb not null
    );
    create index on ${s}.variants (product_id);
    create table ${s}.stock (
      sku text primary key,
      available int not null default 0
    );
    create table ${s}.reservations (
      reservation_id uuid primary key,
      quantity int not null
    );
    ${searchDocumentsTable(s)}`;
